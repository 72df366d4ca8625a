/** Stable codes: branch on `err.code`, never on the message. */
export type TestbedErrorCode =
  | 'TESTBED_PYTHON_MISSING'
  | 'TESTBED_SYNAPSE_INSTALL_FAILED'
  | 'TESTBED_SYNAPSE_MIGRATION_FAILED'
  | 'TESTBED_SYNAPSE_START_FAILED'
  | 'TESTBED_SYNAPSE_START_TIMEOUT'
  | 'TESTBED_ADMIN_BOOTSTRAP_FAILED'
  | 'TESTBED_POSTGRES_FAILED'
  | 'TESTBED_REDIS_UNAVAILABLE'
  | 'TESTBED_CHROMIUM_MISSING'
  | 'TESTBED_LOCK_TIMEOUT'
  | 'TESTBED_INVALID_OPTIONS'
  | 'TESTBED_NOT_RUNNING'
  | 'TESTBED_SPAWN_FAILED';

export class TestbedError extends Error {
  override readonly name = 'TestbedError';
  readonly code: TestbedErrorCode;

  constructor(code: TestbedErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
