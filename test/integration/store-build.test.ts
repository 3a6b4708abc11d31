import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { migrationFiles } from '../../src/store/migrate.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The compiled store must find the compiled migrations (dist/migrations/*.js beside
 * dist/src/), whatever the working directory. Transpiles the store, what it imports and the
 * migrations with the build's layout (rootDir ".") into test-artifacts/ (inside the checkout,
 * so the output resolves node_modules and the package's "type": "module"), then migrates an
 * in-memory PGlite from a process started in another directory. transpileModule, not a full
 * tsc run: the layout is under test here, types are checked by `tsc --noEmit` (~0.3 s against
 * 5-13 s).
 */

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return f.endsWith('.ts') && !f.endsWith('.d.ts') ? [p] : [];
  });
}

function transpile(files: string[], outDir: string): void {
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
}
describe('store from the compiled build', function () {
  this.timeout(60_000);
  const out = join(root, 'test-artifacts', `store-build-${process.pid}`);
  after(() => rmSync(out, { recursive: true, force: true }));

  it('finds and applies the compiled migrations, from any working directory', async () => {
    const sources = [
      ...tsFiles(join(root, 'src/store')),
      ...tsFiles(join(root, 'src/domain')),
      ...tsFiles(join(root, 'src/util')),
      join(root, 'src/errors.ts'),
      ...tsFiles(join(root, 'migrations')),
    ];
    transpile(sources, out);
    const script = join(out, 'check.mjs');
    writeFileSync(
      script,
      `import { createStore } from './src/store/index.js';
       const s = await createStore({ kind: 'pglite', dataDir: 'memory://' });
       const first = await s.migrate();
       const second = await s.migrate();
       await s.close();
       process.stdout.write(JSON.stringify({ first: first.applied, second: second.applied }));`,
    );
    const { stdout } = await run(process.execPath, [script], { cwd: tmpdir() });
    assert.deepEqual(JSON.parse(stdout), { first: migrationFiles(), second: [] });
  });
});
