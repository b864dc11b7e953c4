import * as vscode from 'vscode';
import type { CommandFactory } from './types';

/** Filters the Applications view by a case-insensitive substring of name, namespace, project or kind. */
export const filterApps: CommandFactory = (deps) => async (text?: unknown) => {
  const value =
    typeof text === 'string'
      ? text
      : await vscode.window.showInputBox({
          title: 'Filter GitOps applications',
          prompt: 'Name, namespace, project or kind contains…',
          value: deps.filter.value.text ?? '',
        });
  if (value === undefined) return;
  deps.filter.set({ ...deps.filter.value, text: value });
};
