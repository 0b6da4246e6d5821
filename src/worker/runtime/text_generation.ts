// Text generation with llama.cpp through node-llama-cpp, on the prebuilt binaries npm installed (nothing is
// downloaded or compiled at run time). Greedy decoding by default, so the same model, runtime and input give the
// same tokens; any sampling used is recorded with the result, so a verifier can tell what to compare.
import { getLlama, LlamaLogLevel, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Sampling = { temperature: number; top_k: number; top_p: number; seed: number };
export const GREEDY: Sampling = { temperature: 0, top_k: 0, top_p: 1, seed: 0 };

export type Generation = {
  /** The generated token ids: what verification compares between replicas. */
  tokens: number[];
  text: string;
  prompt_tokens: number;
  finish: 'end_of_text' | 'max_tokens';
  sampling: Sampling;
  /** Runtime name, version and backend, pinned with the model hash by verification. */
  runtime: string;
  seconds: number;
  tokens_per_second: number;
};

export type LoadOptions = {
  /** 'auto' uses a GPU build (CUDA, Vulkan) when one is installed and a GPU is present; false forces the CPU. */
  gpu?: 'auto' | false;
  /** CPU threads; on 2 cores one is fastest for small models. */
  threads?: number;
  contextSize?: number;
};

// The package does not export its package.json; it sits one folder above the entry point.
const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
const RUNTIME_VERSION: string = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')).version;

export class TextGenerator {
  // One sequence, so generations run one after another in arrival order.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    readonly runtime: string,
  ) {}

  static async load(modelPath: string, options: LoadOptions = {}): Promise<TextGenerator> {
    const llama = await getLlama({ gpu: options.gpu ?? false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath });
    const contextSize = Math.min(options.contextSize ?? 2048, model.trainContextSize);
    const context = await model.createContext({ contextSize, threads: options.threads ?? 1, sequences: 1 });
    const backend = llama.gpu === false ? 'cpu' : llama.gpu;
    return new TextGenerator(model, context, context.getSequence(), `node-llama-cpp ${RUNTIME_VERSION} ${backend}`);
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** Generates up to `maxTokens` after `prompt`. Rejects when prompt and budget do not fit the context. */
  generate(prompt: string, maxTokens: number, sampling: Sampling = GREEDY): Promise<Generation> {
    const run = this.queue.then(() => this.run(prompt, maxTokens, sampling));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(prompt: string, maxTokens: number, sampling: Sampling): Promise<Generation> {
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new Error(`max_tokens must be a positive integer, got ${maxTokens}`);
    const bos = this.model.tokens.bos;
    const input: Token[] = [...(this.model.tokens.shouldPrependBosToken && bos !== null ? [bos] : []), ...this.model.tokenize(prompt)];
    if (input.length + maxTokens > this.contextSize) {
      throw new Error(`the prompt (${input.length} tokens) and max_tokens (${maxTokens}) exceed the context of ${this.contextSize} tokens`);
    }
    await this.sequence.clearHistory();
    const started = performance.now();
    const tokens: Token[] = [];
    let finish: Generation['finish'] = 'max_tokens';
    const options =
      sampling.temperature === 0
        ? { temperature: 0 }
        : { temperature: sampling.temperature, topK: sampling.top_k, topP: sampling.top_p, seed: sampling.seed };
    for await (const token of this.sequence.evaluate(input, options)) {
      if (this.model.isEogToken(token)) {
        finish = 'end_of_text';
        break;
      }
      tokens.push(token);
      if (tokens.length >= maxTokens) break;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      tokens: tokens.map(Number),
      text: this.model.detokenize(tokens),
      prompt_tokens: input.length,
      finish,
      sampling,
      runtime: this.runtime,
      seconds,
      tokens_per_second: tokens.length / seconds,
    };
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.context.dispose();
    await this.model.dispose();
  }
}
