// The .py files under a folder, for the measuring scripts (profile-python, check-python-scan) and the tests that read every fixture.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) pythonFiles(path, out);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(path);
  }
  return out;
}
