import type { Rule } from '../types';

export const probeRules: readonly Rule[] = [];
