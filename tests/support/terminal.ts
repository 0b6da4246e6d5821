// A terminal for tests that follow a README: one bash session that lines are typed into one at a time, so shell
// variables, `. ./.env` and the folder carry over from line to line as they do for a person, and each line's
// output and exit status come back separately. Lines run with stdin closed (nothing waits for input), each inside
// `{ …\n}` so a trailing `# comment` ends with the line. No vitest here.
//
//   const term = await Terminal.open({ cwd, env: { HOME: home } });
//   const { stdout } = await term.type('. ./.env && echo $IC_HOST');
//   term.close();
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export type Typed = { line: string; stdout: string; stderr: string; code: number };

export class Terminal {
  private stdout = '';
  private stderr = '';
  private readonly marker = `__typed_${randomBytes(8).toString('hex')}`;
  private queue: Promise<unknown> = Promise.resolve();
  /** Every line typed so far, with what it printed: a transcript for failure messages. */
  readonly history: Typed[] = [];

  private constructor(private readonly bash: ChildProcessWithoutNullStreams) {
    bash.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    bash.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** A bash without profile or rc files, in `cwd`, with `env` (PATH and HOME included) and nothing else. */
  static async open({ cwd, env }: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Terminal> {
    const bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      bash.once('spawn', resolve);
      bash.once('error', reject);
    });
    return new Terminal(bash);
  }

  /** Types `line` (one line of shell) and waits for it to finish; rejects with the transcript if it fails, unless allowFailure. */
  type(line: string, { allowFailure = false, timeoutMs = 120_000 } = {}): Promise<Typed> {
    const run = this.queue.then(() => this.run(line, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run.then((typed) => {
      if (typed.code !== 0 && !allowFailure) throw new Error(`\`${line}\` exited with ${typed.code}:\n${typed.stderr}${typed.stdout}`);
      return typed;
    });
  }

  private async run(line: string, timeoutMs: number): Promise<Typed> {
    if (line.includes('\n')) throw new Error('type one line at a time');
    this.stdout = '';
    this.stderr = '';
    const end = new RegExp(`\\n?${this.marker} (\\d+)\\n$`);
    this.bash.stdin.write(`{ ${line}\n} </dev/null\nprintf '\\n%s %d\\n' ${this.marker} $?\nprintf '%s\\n' ${this.marker} >&2\n`);
    for (const started = Date.now(); !(end.test(this.stdout) && this.stderr.endsWith(`${this.marker}\n`));) {
      if (this.bash.exitCode !== null)
        throw new Error(`bash exited (${this.bash.exitCode}) while running \`${line}\`:\n${this.stderr}${this.stdout}`);
      if (Date.now() - started > timeoutMs) throw new Error(`\`${line}\` did not finish in ${timeoutMs} ms:\n${this.stderr}${this.stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const code = Number(end.exec(this.stdout)![1]);
    const typed = { line, stdout: this.stdout.replace(end, ''), stderr: this.stderr.slice(0, -`${this.marker}\n`.length), code };
    this.history.push(typed);
    return typed;
  }

  /** Everything typed and printed so far, as a person would see it scroll by. */
  transcript(): string {
    return this.history.map((t) => `$ ${t.line}\n${t.stderr}${t.stdout}`).join('\n');
  }

  close(): void {
    this.bash.stdin.end();
    this.bash.kill();
  }
}
