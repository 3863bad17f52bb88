/** The token rate panel's options, and the per-model rates it reads from the data. */

export type TokenLayout = 'stacked' | 'grouped';
export type TokenSortKey = 'model' | 'input' | 'output' | 'total';

export interface TokenRateOptions {
  /** Input and output in one bar per model, or side by side. */
  layout: TokenLayout;
  /** Tokens per second the server can sustain, drawn as a line; 0 draws none. */
  capacity: number;
  sortBy: TokenSortKey;
  sortDesc: boolean;
  /** The label naming the model (LiteLLM: model_group; vLLM: model). */
  modelLabel: string;
}

export interface ModelRate {
  model: string;
  /** Tokens per second, the newest reading (0 for a model that stopped reporting). */
  input: number;
  output: number;
  total: number;
  /** Of all models' total, 0-1. */
  share: number;
  /** False when the model's series ended before the others (it went away). */
  active: boolean;
}
