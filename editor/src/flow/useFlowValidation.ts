/**
 * Validation of the document being edited: live in the browser with the engine's own `validateFlow` (re-run only
 * when the meaning changes, not when a card moves), replaced by the server's answer while it is about the same
 * document; every message in plain words pointing at its field, and grouped by node for the cards.
 */
import { useMemo, useState } from 'react';
import type { ServerValidation } from '../api';
import { issuesByNode } from '../canvas/issues';
import { validateFlow, type ValidationIssue } from '../engine';
import { plainIssue } from '../graph/plain-issues';

export function useFlowValidation(semanticKey: string) {
  const [server, setServer] = useState<{ key: string; result: ServerValidation } | null>(null);
  const live = useMemo(() => validateFlow(JSON.parse(semanticKey)), [semanticKey]);
  const checked = server && server.key === semanticKey ? server.result : null;
  const errors: ValidationIssue[] = checked ? checked.errors : live.errors;
  const warnings: ValidationIssue[] = checked ? checked.warnings : live.warnings;
  const plainErrors = useMemo(() => errors.map(plainIssue), [errors]);
  const plainWarnings = useMemo(() => warnings.map(plainIssue), [warnings]);
  const issues = useMemo(
    () =>
      issuesByNode(
        plainErrors.map((i) => ({ nodeId: i.nodeId, message: i.text })),
        plainWarnings.map((i) => ({ nodeId: i.nodeId, message: i.text })),
      ),
    [plainErrors, plainWarnings],
  );
  return { errors: plainErrors, warnings: plainWarnings, issues, source: checked ? 'checked by the server' : 'live check', setServer };
}
