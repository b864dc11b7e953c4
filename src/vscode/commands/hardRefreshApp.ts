import { argoRefresh } from './refreshApp';
import type { CommandFactory } from './types';

/** Like refreshApp, and Argo CD's repo-server regenerates manifests instead of using its cache. */
export const hardRefreshApp: CommandFactory = argoRefresh('hard');
