/**
 * The Django versions the interop tests run against: Debian's Django 3.2 and a Django 5.2 in a virtual
 * environment (`.ci/run` makes it).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeIfAvailable } from '../helpers/gate.js';
import { describeWithDjango, djangoPython, pythonCanImport } from './bridge.js';

/** A Django installation the interop tests run against. */
export interface DjangoInstall {
  /** e.g. `Django 3.2`. */
  readonly label: string;
  /** Its interpreter. */
  readonly python: string;
  /** Whether it imports, with its version as labelled. */
  readonly available: boolean;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function install(label: string, python: string, version: string): DjangoInstall {
  const check = `import django, sys; sys.exit(0 if django.get_version().startswith('${version}.') else 3)`;
  return { label, python, available: spawnSync(python, ['-c', check], { stdio: 'ignore' }).status === 0 };
}

/**
 * Django 3.2 (Debian's, at `djangoPython`) and Django 5.2 (the virtual environment `.ci/run` makes in
 * `.cache/django52`; `SESSIONKIT_DJANGO52_PYTHON` overrides). Checked once per test process.
 */
export const djangoInstalls: readonly DjangoInstall[] = [
  install('Django 3.2', djangoPython, '3.2'),
  install('Django 5.2', process.env['SESSIONKIT_DJANGO52_PYTHON'] || `${repoRoot}.cache/django52/bin/python`, '5.2'),
];

/**
 * `describe` for suites run against `install`: for the default interpreter, {@link describeWithDjango};
 * for another one, the one gate (helpers/gate.ts): without it, or a module in `requires`, the suite fails
 * under CI and is skipped with a warning elsewhere.
 */
export function describeWithInstall(install: DjangoInstall, name: string, fn: () => void, requires: readonly string[] = []): void {
  if (install.python === djangoPython) {
    describeWithDjango(name, fn, requires);
    return;
  }
  const missing = install.available ? requires.filter((module) => !pythonCanImport(install.python, module)) : [];
  const unavailable = !install.available
    ? `${install.label} is not at ${install.python}: .ci/run makes it`
    : missing.length > 0
      ? `${install.python} cannot import ${missing.join(', ')}`
      : undefined;
  describeIfAvailable(install.label, unavailable, name, fn);
}
