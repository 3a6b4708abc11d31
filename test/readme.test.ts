import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.js';
import { spawn } from 'node:child_process';

/** The README is the truth: its embedded example runs, and the commands it shows answer. */
describe('README', function () {
  this.timeout(60_000);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('the embedded example runs as written', async () => {
    const block = /### Embedded[^\n]*\n+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'the README has an embedded ```ts example');
    const dir = mkdtempSync(join(tmpdir(), 'robosync-readme-'));
    const file = join(dir, 'example.mts');
    // `robosync` is this package: point the import at its sources
    writeFileSync(file, block.replace(/from 'robosync'/g, `from ${JSON.stringify(join(ROOT, 'src/index.ts'))}`));
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /grid-btc-1: order \S+ new -> New/);
    assert.match(out.stdout, /true \[ 'grid-btc-1 hot \d+ ms' \]/);
  });

  it('every command it lists has --help', async () => {
    const commands = [...readme.matchAll(/^\| `robosync (\w+)/gm)].map((m) => m[1]!);
    assert.ok(commands.length >= 8, `found ${commands.length} commands`);
    for (const c of new Set(commands)) {
      const r = await runCli([c, '--help']);
      assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`Usage: robosync ${c}`));
    }
  });
});
