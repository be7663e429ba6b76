import type { ExplorerNode } from '../../core/explorer/nodes';
import type { Source } from './sources';

/** A Clusters tree element: the explorer view-model's node, carrying the live source. */
export type ClusterNode = ExplorerNode<Source>;

export { GROUP_LABEL, GROUP_ORDER, nodeId, parentOf } from '../../core/explorer/nodes';
