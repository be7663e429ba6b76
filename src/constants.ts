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
  applyFinding: 'shipshape.applyFinding',
  showRuleDocs: 'shipshape.showRuleDocs',
  showLogs: 'shipshape.showLogs',
  showPreviousLogs: 'shipshape.showPreviousLogs',
  showWorkloadLogs: 'shipshape.showWorkloadLogs',
  describe: 'shipshape.describe',
  openLiveYaml: 'shipshape.openLiveYaml',
  openManifest: 'shipshape.openManifest',
  restartRollout: 'shipshape.restartRollout',
  scale: 'shipshape.scale',
  deletePod: 'shipshape.deletePod',
  forceDeletePod: 'shipshape.forceDeletePod',
  deleteFailedJobs: 'shipshape.deleteFailedJobs',
  suspendCronJob: 'shipshape.suspendCronJob',
  resumeCronJob: 'shipshape.resumeCronJob',
  triggerCronJob: 'shipshape.triggerCronJob',
  argoHardRefresh: 'shipshape.argoHardRefresh',
  filterProblems: 'shipshape.filterProblems',
  filterAll: 'shipshape.filterAll',
  pinNamespace: 'shipshape.pinNamespace',
  revealProblem: 'shipshape.revealProblem',
  revealObject: 'shipshape.revealObject',
  openRunbook: 'shipshape.openRunbook',
  pickRunbook: 'shipshape.pickRunbook',
  pickRunbookSource: 'shipshape.pickRunbookSource',
  copyBuiltInRunbook: 'shipshape.copyBuiltInRunbook',
  refreshRunbook: 'shipshape.refreshRunbook',
  diffWithCluster: 'shipshape.diffWithCluster',
  diffObject: 'shipshape.diffObject',
  applyToCluster: 'shipshape.applyToCluster',
  refreshDrift: 'shipshape.refreshDrift',
  raiseMemoryLimit: 'shipshape.raiseMemoryLimit',
  diagnose: 'shipshape.diagnose',
  saveSnapshot: 'shipshape.saveSnapshot',
  openShell: 'shipshape.openShell',
  runCommand: 'shipshape.runCommand',
  portForward: 'shipshape.portForward',
  stopPortForward: 'shipshape.stopPortForward',
  showPortForwards: 'shipshape.showPortForwards',
  openPortForward: 'shipshape.openPortForward',
  copyPortForwardAddress: 'shipshape.copyPortForwardAddress',
  stopThisPortForward: 'shipshape.stopThisPortForward',
  setRenderNamespace: 'shipshape.setRenderNamespace',
  showTop: 'shipshape.showTop',
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
