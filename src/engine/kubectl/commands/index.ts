/**
 * Every kubectl command, in the order `kubectl --help` lists them. One import per command file.
 */
import type { KubectlCommand } from '../types';
import { rolloutCommand } from './rollout';
import { setCommand } from './set';
import { getCommand } from './get';
import { describeCommand } from './describe';
import { applyCommand } from './apply';
import { createCommand } from './create';
import { deleteCommand } from './delete';
import { scaleCommand } from './scale';
import { labelCommand } from './label';
import { annotateCommand } from './annotate';
import { cordonCommand, uncordonCommand } from './cordon';
import { drainCommand } from './drain';
import { runCommand } from './run';
import { exposeCommand } from './expose';

import { explainCommand } from './explain';
import { apiResourcesCommand } from './api-resources';
import { clusterInfoCommand } from './cluster-info';
import { versionCommand } from './version';
import { configCommand } from './config';
import { execCommand } from './exec';
import { logsCommand } from './logs';
import { topCommand } from './top';
export const COMMANDS: KubectlCommand[] = [
  setCommand,
  getCommand,
  rolloutCommand,
  describeCommand,
  logsCommand,
  execCommand,
  createCommand,
  applyCommand,
  deleteCommand,
  exposeCommand,
  runCommand,
  scaleCommand,
  cordonCommand,
  uncordonCommand,
  drainCommand,
  labelCommand,
  annotateCommand,
  explainCommand,
  apiResourcesCommand,
  clusterInfoCommand,
  versionCommand,
  configCommand,
  topCommand,
];
