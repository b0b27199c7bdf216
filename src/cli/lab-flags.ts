import {Flags} from '@oclif/core'

export const labDirFlag = {
  dir: Flags.string({summary: 'Lab directory.', env: 'SIGNOZ_HA_LAB_DIR', default: '.signoz-ha-lab'}),
}
