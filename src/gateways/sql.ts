/** SQL literal helpers, apart from the client so definitions can use them without loading it. */

/** A ClickHouse string literal. 18.x has no query parameters, so values are quoted, never concatenated raw. */
export const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

/** A ClickHouse identifier (database, table, cluster) in backquotes. */
export const ident = (name: string): string => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``
