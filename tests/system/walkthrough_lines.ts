// What both README walkthrough tests do with their lines: each line one test, typed in turn, the rest skipped after
// the first that fails (later lines use what earlier ones printed, so they could only fail for its reason), and a
// line's <placeholders> filled from earlier replies in its command, never in its trailing comment.
import { it } from 'vitest';

/**
 * Makes one test of each line, titled `title(line)`, that runs `step(line)` unless an earlier line failed. Returns
 * whether one did, for the tests that come after the lines.
 */
export function eachLineInTurn(
  lines: readonly string[],
  title: (line: string) => string,
  step: (line: string) => Promise<void>,
): () => boolean {
  let broken = false;
  for (const line of lines) {
    it(title(line), async (context) => {
      if (broken) context.skip();
      try {
        await step(line);
      } catch (error) {
        broken = true;
        throw error;
      }
    });
  }
  return () => broken;
}

/** `line` with each <placeholder> of its command replaced by `fill(name, whole)`; its trailing comment kept as it is. */
export function withPlaceholders(line: string, fill: (name: string, whole: string) => string): string {
  const [, command, comment = ''] = /^(.*?)(\s+#.*)?$/.exec(line)!;
  return command.replace(/<([^>]+)>/g, (whole, name: string) => fill(name, whole)) + comment;
}
