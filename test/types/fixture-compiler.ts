/**
 * Compiles the fixture projects of ./fixtures with the project's TypeScript, in this process: one program
 * per fixture, sharing the parsed (and bound) files — the library's sources, the lib and `@types` files —
 * that every fixture reads, so that each program after the first costs only its own type checks.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** One compile error, as tsc prints it: where, its code (`TS2345`) and its message. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly text: string;
}

/** The outcome of compiling one fixture. */
export interface Compiled {
  /** The errors in the fixture's own files and in its configuration, in tsc's order. */
  readonly diagnostics: Diagnostic[];
  /** The errors as `tsc --pretty false` prints them, one a line; `''` when there are none. */
  readonly output: string;
}

function asDiagnostic(diagnostic: ts.Diagnostic): Diagnostic {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (!diagnostic.file) return { file: '', line: 0, code: `TS${diagnostic.code}`, text };
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  return { file: diagnostic.file.fileName, line: line + 1, code: `TS${diagnostic.code}`, text };
}

/**
 * A compiler for the fixtures. Every fixture extends fixtures/tsconfig.base.json and changes only its list
 * of files, so a file parsed and bound for one fixture is the same for the next: the cache is keyed by
 * file name and the two settings that change a parse (language version, module format).
 */
export function fixtureCompiler(): (fixture: string) => Compiled {
  const parsed = new Map<string, ts.SourceFile | undefined>();

  return (fixture) => {
    const configPath = join(FIXTURES, fixture, 'tsconfig.json');
    const config = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(`${configPath}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
        },
      },
    )!;
    const host = ts.createCompilerHost(config.options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, version, onError, shouldCreate) => {
      const format = typeof version === 'object' ? `${version.languageVersion}/${version.impliedNodeFormat}` : String(version);
      const key = `${format}:${fileName}`;
      if (!parsed.has(key)) parsed.set(key, read(fileName, version, onError, shouldCreate));
      return parsed.get(key);
    };
    const program = ts.createProgram({
      rootNames: config.fileNames,
      options: config.options,
      host,
      configFileParsingDiagnostics: config.errors,
    });
    // The fixture's own files: what a user's project would have. The library's sources are checked
    // under the project's own settings by `tsc -p tsconfig.json`; a user gets their declarations.
    const own = program.getSourceFiles().filter((file) => file.fileName.startsWith(FIXTURES));
    const diagnostics = [
      ...config.errors,
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...own.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
    ];
    const formatted = ts.sortAndDeduplicateDiagnostics(diagnostics).map(asDiagnostic);
    return {
      diagnostics: formatted,
      output: formatted.map((d) => `${d.file}${d.file ? `(${d.line})` : ''}: error ${d.code}: ${d.text}`).join('\n'),
    };
  };
}
