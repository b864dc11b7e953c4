import * as vscode from 'vscode';
import { UserError } from './appArg';
import type { CommandFactory } from './types';

/** Copies the name of a tree node; nodes are plain data with a `name` (STYLE.md rule 13). */
export const copyName: CommandFactory = () => async (node: unknown) => {
  const name = typeof node === 'object' && node !== null && 'name' in node ? (node as { name: unknown }).name : undefined;
  if (typeof name !== 'string') throw new UserError('Select an item in the GitOps view to copy its name.');
  await vscode.env.clipboard.writeText(name);
};
