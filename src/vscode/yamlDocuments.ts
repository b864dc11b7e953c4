/**
 * Which documents GitOps Lens reads as manifests: YAML in a file or in an untitled buffer (issue 5:
 * the lenses follow text as it is typed, before it is saved). Other schemes (`git:`, `gitops-live:`,
 * the drift diff's own documents) are views of something else and get nothing.
 */
import type * as vscode from 'vscode';

/** A document selector for VS Code's and vscode-languageclient's registrations alike. */
export const YAML_DOCUMENTS: { language: string; scheme: string }[] = [
  { language: 'yaml', scheme: 'file' },
  { language: 'yaml', scheme: 'untitled' },
];

export function isYamlDocument(d: vscode.TextDocument): boolean {
  return d.languageId === 'yaml' && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled');
}
