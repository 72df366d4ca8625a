export {
  type Checkpoints,
  FileCheckpoints,
  type ItemOutcome,
  NoCheckpoints,
  StoreCheckpoints,
} from './Checkpoints.js';
export {
  type CutoverFailure,
  type CutoverInput,
  type CutoverOptions,
  type CutoverReport,
  PHASES,
  type Phase,
  type PhaseCounts,
  runCutover,
} from './Cutover.js';
export { type ProvisionCommandOptions, provisionCommand } from './provisionCommand.js';
