import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../server/config.ts';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

/** The variable names in the first column of a Markdown table's rows (`| \`NAME\`, \`OTHER\` | …`). */
function tableVariables(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => /^\|\s*`[A-Z_]+`/.test(line))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] ?? ''));
}

describe('the documented environment variables', () => {
  it('docs/production.md lists exactly the variables server/config.ts reads', () => {
    expect(tableVariables(read('docs/production.md')).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("the README's configuration table names every one of them", () => {
    const documented = new Set(tableVariables(read('README.md')));
    expect(CONFIG_VARIABLES.filter((name) => !documented.has(name))).toEqual([]);
  });
});
