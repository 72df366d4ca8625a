import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './fileLock.js';
import { requirementsFile } from './paths.js';
import { run, tail } from './run.js';
import { TestbedError } from './TestbedError.js';

export interface SynapseInstall {
  /** The virtualenv's Python, which runs Synapse and the helper scripts. */
  python: string;
  /** Synapse's version, e.g. `1.163.2`. */
  synapseVersion: string;
  venvDir: string;
}

export interface InstallSynapseOptions {
  cacheDir: string;
  /** Interpreter that creates the venv (`OPENMEET_TESTBED_PYTHON`, else `python3`). */
  python?: string;
  log?: (line: string) => void;
}

async function pythonTag(python: string): Promise<string> {
  const probe = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']).catch(
    (cause: unknown) => {
      throw new TestbedError('TESTBED_PYTHON_MISSING', `cannot run ${python}: install Python 3.10+`, {
        cause,
      });
    },
  );
  const tag = probe.stdout.trim();
  const [major, minor] = tag.split('.').map(Number);
  if (probe.code !== 0 || major !== 3 || (minor ?? 0) < 10) {
    throw new TestbedError(
      'TESTBED_PYTHON_MISSING',
      `Synapse needs Python 3.10+, ${python} is ${tag || 'broken'}`,
    );
  }
  return tag;
}

/**
 * Installs the pinned Synapse into a virtualenv under the cache directory, once. The venv is keyed
 * on the Python version and the requirements file, and only marked ready after a successful
 * install, so an interrupted install is redone rather than half-used.
 */
export async function installSynapse(options: InstallSynapseOptions): Promise<SynapseInstall> {
  const basePython = options.python ?? process.env.OPENMEET_TESTBED_PYTHON ?? 'python3';
  const requirements = await readFile(requirementsFile, 'utf8');
  const synapseVersion = /^matrix-synapse==(\S+)$/m.exec(requirements)?.[1];
  if (!synapseVersion)
    throw new TestbedError('TESTBED_INVALID_OPTIONS', 'requirements.txt pins no matrix-synapse');
  const tag = await pythonTag(basePython);
  const hash = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const venvDir = join(options.cacheDir, `venv-py${tag}-${hash}`);
  const python = join(venvDir, 'bin', 'python');
  const readyMarker = join(venvDir, '.ready');
  const result = { python, synapseVersion, venvDir };
  if (existsSync(readyMarker)) return result;

  await mkdir(options.cacheDir, { recursive: true });
  return withFileLock(`${venvDir}.lock`, async () => {
    if (existsSync(readyMarker)) return result;
    options.log?.(`installing Synapse ${synapseVersion} into ${venvDir} (once)`);
    await rm(venvDir, { recursive: true, force: true });
    const venv = await run(basePython, ['-m', 'venv', venvDir]);
    if (venv.code !== 0) {
      throw new TestbedError(
        'TESTBED_PYTHON_MISSING',
        `python -m venv failed (install the Debian package python3-venv):\n${tail(venv.stderr)}`,
      );
    }
    const pip = await run(python, [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '-q',
      '-r',
      requirementsFile,
    ]);
    if (pip.code !== 0) {
      throw new TestbedError('TESTBED_SYNAPSE_INSTALL_FAILED', `pip install failed:\n${tail(pip.stderr)}`);
    }
    await writeFile(readyMarker, `${synapseVersion}\n`);
    return result;
  });
}
