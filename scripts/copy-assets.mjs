// Copies non-TypeScript assets (dashboard files) next to the compiled code and marks the CLI executable.
import { chmodSync, cpSync, existsSync } from 'node:fs';

const assets = [['src/server/public', 'dist/src/server/public']];
for (const [from, to] of assets) {
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
if (existsSync('dist/src/cli/bin.js')) chmodSync('dist/src/cli/bin.js', 0o755);
