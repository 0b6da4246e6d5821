// Text generation with llama.cpp through node-llama-cpp, on the prebuilt binaries npm installed (nothing is
// downloaded or compiled at run time). Greedy decoding by default, so the same model, runtime and input give the
// same tokens; any sampling used is recorded with the result, so a verifier can tell what to compare.
import {
  getLlama,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { ChatMessage } from '../../../canisters/shared/generation';

export type Sampling = { temperature: number; top_k: number; top_p: number; seed: number };
export const GREEDY: Sampling = { temperature: 0, top_k: 0, top_p: 1, seed: 0 };

/** A raw prompt the model continues, or chat messages rendered with the model's chat template first. */
export type Prompt = string | ChatMessage[];

export type Generation = {
  /** The generated token ids: what verification compares between replicas. */
  tokens: number[];
  text: string;
  /** The prompt's tokens as the model read them (the chat template applied): what usage reports. */
  prompt_tokens: number;
  /** stop: the model ended its text or a stop string came; max_tokens: the budget ran out. */
  finish: 'stop' | 'max_tokens';
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
    private readonly chatWrapper: ChatWrapper,
  ) {}

  static async load(modelPath: string, options: LoadOptions = {}): Promise<TextGenerator> {
    const llama = await getLlama({ gpu: options.gpu ?? false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath });
    const contextSize = Math.min(options.contextSize ?? 2048, model.trainContextSize);
    const context = await model.createContext({ contextSize, threads: options.threads ?? 1, sequences: 1 });
    const backend = llama.gpu === false ? 'cpu' : llama.gpu;
    // The model's own chat template (tokenizer.chat_template) when it has one, else the wrapper node-llama-cpp
    // recognizes from its name and tokens, else its GeneralChatWrapper. The tiny test model has no template and
    // gets Llama2ChatWrapper ([INST] … [/INST]) from its llama architecture and <s> tokens.
    const chatWrapper = resolveChatWrapper(model);
    return new TextGenerator(model, context, context.getSequence(), `node-llama-cpp ${RUNTIME_VERSION} ${backend}`, chatWrapper);
  }

  /**
   * Which chat template renders chat jobs: the wrapper's name, 'JinjaTemplate' for the model's own template (or
   * the name of a built-in wrapper node-llama-cpp found equivalent to it).
   */
  get chatTemplate(): string {
    return this.chatWrapper.wrapperName;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /**
   * Generates up to `maxTokens` after `prompt`, ending early at the first of `stop`. Rejects when prompt and budget
   * do not fit the context.
   */
  generate(prompt: Prompt, maxTokens: number, sampling: Sampling = GREEDY, stop: string[] = []): Promise<Generation> {
    const run = this.queue.then(() => this.run(prompt, maxTokens, sampling, stop));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The prompt's tokens, and the strings that end its generation besides the caller's stops. */
  private promptTokens(prompt: Prompt): { input: Token[]; stops: string[] } {
    if (typeof prompt === 'string') {
      const bos = this.model.tokens.bos;
      return {
        input: [...(this.model.tokens.shouldPrependBosToken && bos !== null ? [bos] : []), ...this.model.tokenize(prompt)],
        stops: [],
      };
    }
    // A developer message (OpenAI's newer name for a system one) is a system message. The assistant's turn is
    // opened after the messages, as an empty model response, for the model to write.
    const history: ChatHistoryItem[] = [
      ...prompt.map(({ role, content }): ChatHistoryItem =>
        role === 'user'
          ? { type: 'user', text: content }
          : role === 'assistant'
            ? { type: 'model', response: [content] }
            : { type: 'system', text: content },
      ),
      { type: 'model', response: [] },
    ];
    const state = this.chatWrapper.generateContextState({ chatHistory: history });
    // Triggers of plain text (a template's end-of-turn marker written out) stop like a caller's stop strings;
    // those of special tokens are end-of-generation tokens, which end every generation anyway.
    const stops = state.stopGenerationTriggers
      .filter((trigger) => trigger.values.every((value) => typeof value === 'string'))
      .map((trigger) => trigger.values.join(''))
      .filter((text) => text !== '');
    return { input: state.contextText.tokenize(this.model.tokenizer), stops };
  }

  private async run(prompt: Prompt, maxTokens: number, sampling: Sampling, stop: string[]): Promise<Generation> {
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new Error(`max_tokens must be a positive integer, got ${maxTokens}`);
    const { input, stops: templateStops } = this.promptTokens(prompt);
    const stops = [...stop, ...templateStops];
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
    // Where the first stop string begins in the text, once one has appeared.
    let stopAt: number | undefined;
    for await (const token of this.sequence.evaluate(input, options)) {
      if (this.model.isEogToken(token)) {
        finish = 'stop';
        break;
      }
      tokens.push(token);
      if (stops.length > 0) {
        stopAt = firstStop(this.model.detokenize(tokens), stops);
        if (stopAt !== undefined) {
          finish = 'stop';
          break;
        }
      }
      if (tokens.length >= maxTokens) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const text = this.model.detokenize(tokens);
    // Cut at the stop: the text before it, and the tokens whose text lies wholly before it (a token the stop
    // begins inside is dropped too), so every replica and audit hashes and compares the same cut.
    const kept = stopAt === undefined ? tokens : tokensBefore(tokens, stopAt, (part) => this.model.detokenize(part));
    return {
      tokens: kept.map(Number),
      text: stopAt === undefined ? text : text.slice(0, stopAt),
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

/** The index of the earliest stop string in `text`, or undefined. */
function firstStop(text: string, stops: string[]): number | undefined {
  const found = stops.map((stop) => text.indexOf(stop)).filter((at) => at >= 0);
  return found.length === 0 ? undefined : Math.min(...found);
}

/** The longest run of `tokens` from the start whose text ends at or before `at`. */
function tokensBefore(tokens: Token[], at: number, detokenize: (tokens: Token[]) => string): Token[] {
  let count = tokens.length;
  while (count > 0 && detokenize(tokens.slice(0, count)).length > at) count--;
  return tokens.slice(0, count);
}
