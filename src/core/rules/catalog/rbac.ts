import type { Rule } from '../types';

export const rbacRules: readonly Rule[] = [];
