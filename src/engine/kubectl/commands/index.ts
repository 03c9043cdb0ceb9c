/**
 * Every kubectl command, in the order `kubectl --help` lists them. One import per command file.
 */
import type { KubectlCommand } from '../types';

export const COMMANDS: KubectlCommand[] = [];
