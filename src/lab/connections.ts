import {ClickHouseConnection} from '../gateways/clickhouse.js'
import {hostUrl, type LabHost, type LabState} from './state.js'

/** A connection to one lab host as the chart's admin user (default: the first host). */
export const labConnection = (state: LabState, host: LabHost = state.clickhouse[0]!, requestTimeoutMs = 120_000): ClickHouseConnection =>
  new ClickHouseConnection({url: hostUrl(host), user: state.user, password: state.password}, {requestTimeoutMs})
