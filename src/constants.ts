/**
 * Every identifier VS Code knows us by. `test/unit/contributions.test.ts` checks this table
 * against package.json in both directions, so a command cannot be contributed without being
 * registered or registered without being contributed.
 */
export const EXTENSION_ID = 'shipshape.shipshape';
export const OUTPUT_CHANNEL_NAME = 'Shipshape';

export const Commands = {
  showLog: 'shipshape.showLog',
  openKubeconfig: 'shipshape.openKubeconfig',
  openSnapshot: 'shipshape.openSnapshot',
  startDemoCluster: 'shipshape.startDemoCluster',
  refresh: 'shipshape.refresh',
  analyseFile: 'shipshape.analyseFile',
  fixFile: 'shipshape.fixFile',
  hardenFile: 'shipshape.hardenFile',
  hardenWorkspace: 'shipshape.hardenWorkspace',
  fixWorkload: 'shipshape.fixWorkload',
  hardenWorkload: 'shipshape.hardenWorkload',
  applyRuleFixes: 'shipshape.applyRuleFixes',
  showRuleDocs: 'shipshape.showRuleDocs',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'shipshape',
  clusters: 'shipshape.clusters',
  problems: 'shipshape.problems',
  runbook: 'shipshape.runbook',
} as const;

export const Settings = {
  section: 'shipshape',
  kubeconfig: 'kubeconfig',
  logLevel: 'logLevel',
} as const;
