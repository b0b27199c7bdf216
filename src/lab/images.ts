/**
 * What the lab runs behind a container, recognised by its image (and, for the collector, its
 * arguments), never by the object's name: a chart may name things as it likes.
 */

/** A ClickHouse server image (clickhouse/clickhouse-server, altinity/clickhouse-server, …). */
export const isClickHouseServerImage = (image: string): boolean => /(^|\/)clickhouse-server(:|@|$)/.test(image)

/** A ZooKeeper image (zookeeper, bitnami/zookeeper, signoz/zookeeper) or ClickHouse Keeper's. */
export const isKeeperImage = (image: string): boolean => /(^|\/)(zookeeper|clickhouse-keeper)(:|@|$)/.test(image)

/** SigNoz's collector image, which also carries the schema migrator (`migrate …`). */
export const isCollectorImage = (image: string): boolean => /(^|\/)signoz-otel-collector(:|@|$)/.test(image)

/** The tag of an image reference (docker.io/signoz/signoz-otel-collector:v0.144.6 → v0.144.6). */
export const imageTagOf = (image: string): string | undefined => /:([^:/@]+)(@.*)?$/.exec(image)?.[1]
