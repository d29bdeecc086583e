/**
 * Channel-specific copy: labelled fields per channel, "Insert variable" from the workspace schema, and a live preview
 * rendered by the engine core's own renderer against a real contact (email in a sandboxed frame, a push card, an SMS
 * bubble with its segment count and cost, a webhook request).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { contactsApi, errorText, templatesApi, type Contact, type TemplatePreview } from '../api';
import { renderContent, templateVariables } from '@boomerang/engine/core/render';
import type { ChannelKind, MessageTemplate } from '../engine';
import { smsSegments } from '../graph/sms';
import { useFieldIssue } from './fields';
import { useWorkspaceSchema } from './RuleBuilder';

// the builder's blocks are edited by the e-mail builder (../email), never typed
type Key = Exclude<keyof MessageTemplate, 'blocks'>;
const fieldsOf: Record<ChannelKind, { key: Key; label: string; multiline?: boolean; placeholder?: string }[]> = {
  email: [
    { key: 'subject', label: 'Subject', placeholder: 'We saved your cart, {{firstName}}' },
    { key: 'html', label: 'HTML body', multiline: true, placeholder: '<p>Hi {{default firstName "there"}},</p>' },
    { key: 'text', label: 'Plain-text body', multiline: true },
  ],
  push: [
    { key: 'title', label: 'Title', placeholder: 'We miss you, {{firstName}}' },
    { key: 'body', label: 'Text', multiline: true },
    { key: 'url', label: 'Link (opens on tap)', placeholder: 'https://… or {{links.click}}' },
  ],
  sms: [{ key: 'body', label: 'Text', multiline: true, placeholder: 'Your coupon: … Reply STOP to opt out' }],
  webhook: [
    { key: 'url', label: 'URL', placeholder: 'https://example.com/hooks/winback' },
    { key: 'body', label: 'Body (JSON)', multiline: true, placeholder: '{"externalId":"{{contact.externalId}}"}' },
  ],
};

const builtinVariables = ['contact.externalId', 'flow.name', 'links.click', 'links.unsubscribe', 'links.preferences'];

/** What "Insert variable…" offers everywhere copy is typed: the workspace's scalar attributes, then the built-in ones. */
export function useTemplateVariables(): string[] {
  const schema = useWorkspaceSchema();
  return useMemo(
    () => [
      ...(schema?.attributes.filter((a) => a.type !== 'object' && a.type !== 'array').map((a) => a.key) ?? ['firstName']),
      ...builtinVariables,
    ],
    [schema],
  );
}

export function CopyFields({
  channel,
  template,
  onChange,
  disabled,
  costCents,
  omit = [],
}: {
  channel: ChannelKind;
  template: MessageTemplate;
  onChange: (key: Key, value: string) => void;
  disabled: boolean;
  costCents?: number;
  /** fields another editor owns (the e-mail builder writes html and text) */
  omit?: Key[];
}) {
  const variables = useTemplateVariables();
  return (
    <div className="copy-fields" data-copy={channel}>
      {fieldsOf[channel]
        .filter((f) => !omit.includes(f.key))
        .map((f) => (
          <TemplateInput
            key={f.key}
            field={f}
            value={template[f.key]}
            variables={variables}
            disabled={disabled}
            onChange={(v) => onChange(f.key, v)}
          />
        ))}
      {channel === 'sms' && <SmsCount text={template.body ?? template.text ?? template.title ?? ''} costCents={costCents} />}
    </div>
  );
}

/** As typed (variables unexpanded): the preview below counts the rendered text for a real contact. */
function SmsCount({ text, costCents }: { text: string; costCents?: number }) {
  const seg = smsSegments(text);
  return (
    <p className={`hint ${seg.segments > 1 ? 'warn' : ''}`} data-sms-count={seg.segments}>
      {seg.characters} characters · {seg.encoding} · {seg.segments} SMS segment{seg.segments === 1 ? '' : 's'}
      {costCents !== undefined ? ` · about ${((seg.segments * costCents) / 100).toFixed(2)} per contact` : ''}
      {seg.encoding === 'UCS-2' ? ' (emoji or non-Latin text: 70 characters per segment)' : ''}
    </p>
  );
}

/** A field copy is typed in: `key` names it (`template-<key>`), `issueKey` the validation issue shown under it. */
export interface TemplateInputField {
  key: string;
  label: string;
  multiline?: boolean;
  placeholder?: string;
  issueKey?: string;
}

/** One copy field with "Insert variable…" putting `{{variable}}` at the cursor. */
export function TemplateInput({
  field,
  value,
  variables,
  disabled,
  onChange,
}: {
  field: TemplateInputField;
  value: string | undefined;
  variables: string[];
  disabled: boolean;
  onChange: (v: string) => void;
}) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const issue = useFieldIssue(field.issueKey ?? field.key);
  const insert = (variable: string) => {
    const el = ref.current;
    const text = value ?? '';
    const at = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? at;
    const token = `{{${variable}}}`;
    onChange(text.slice(0, at) + token + text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length, at + token.length);
    });
  };
  const common = {
    ref,
    name: `template-${field.key}`,
    value: value ?? '',
    placeholder: field.placeholder,
    disabled,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  return (
    <div className={`field ${issue ? 'invalid' : ''}`} data-field={field.key}>
      <div className="rule-head">
        <label htmlFor={`tpl-${field.key}`}>{field.label}</label>
        {!disabled && (
          <select
            aria-label={`Insert variable into ${field.label}`}
            name={`insert-${field.key}`}
            value=""
            onChange={(e) => e.target.value && insert(e.target.value)}
          >
            <option value="">Insert variable…</option>
            {variables.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        )}
      </div>
      {field.multiline ? (
        <textarea id={`tpl-${field.key}`} rows={field.key === 'html' ? 6 : 3} {...common} />
      ) : (
        <input id={`tpl-${field.key}`} {...common} />
      )}
      {issue && <small className="field-error">{issue}</small>}
    </div>
  );
}

/** Picks a real contact (the first ones of the contacts list, or any externalId typed) to render the preview for. */
function useContactChoice() {
  const [options, setOptions] = useState<Contact[]>([]);
  const [externalId, setExternalId] = useState('');
  const [contact, setContact] = useState<Contact | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    contactsApi
      .list('')
      .then((page) => {
        setOptions(page.items);
        if (page.items[0]) setExternalId((id) => id || page.items[0].externalId);
      })
      .catch((e) => setError(errorText(e)));
  }, []);
  useEffect(() => {
    const found = options.find((c) => c.externalId === externalId);
    if (found) {
      setContact(found);
      return;
    }
    if (!externalId) return;
    const t = setTimeout(() => {
      contactsApi
        .get(externalId)
        .then((c) => {
          setContact(c);
          setError(null);
        })
        .catch((e) => setError(errorText(e)));
    }, 300);
    return () => clearTimeout(t);
  }, [externalId, options]);
  return { options, externalId, setExternalId, contact, error };
}

/**
 * The copy as a chosen contact gets it: `POST /api/templates/preview` renders it on the server (locale variant picked
 * by the contact's locale, SMS segments and cost, variables the contact lacks); offline or on an API error it falls
 * back to the engine core's own renderer in the browser.
 */
export function CopyPreview({
  channel,
  template,
  locales,
  costCents,
  flow,
}: {
  channel: ChannelKind;
  template: MessageTemplate;
  locales?: Record<string, MessageTemplate>;
  costCents?: number;
  flow: { id: string; name: string };
}) {
  const choice = useContactChoice();
  const local = useMemo(() => {
    if (!choice.contact) return null;
    try {
      const vars = templateVariables({
        externalId: choice.contact.externalId,
        attributes: choice.contact.attributes,
        flow,
        messageId: 'preview',
        publicUrl: window.location.origin,
      });
      return { ok: true as const, content: renderContent(channel, template, vars) };
    } catch (e) {
      return { ok: false as const, error: errorText(e) };
    }
  }, [choice.contact, channel, template, flow]);

  const [server, setServer] = useState<{ key: string; preview: TemplatePreview } | null>(null);
  const requestKey = JSON.stringify([channel, template, locales ?? null, costCents ?? null, choice.contact?.externalId ?? null]);
  useEffect(() => {
    const externalId = choice.contact?.externalId;
    if (!externalId) return;
    let stale = false;
    const t = setTimeout(() => {
      templatesApi
        .preview({
          channel,
          template,
          ...(locales && Object.keys(locales).length ? { locales } : {}),
          ...(costCents !== undefined ? { costCents } : {}),
          externalId,
        })
        .then((preview) => !stale && setServer({ key: requestKey, preview }))
        .catch(() => !stale && setServer(null)); // offline or refused: the local render stands
    }, 300);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [requestKey]); // eslint-disable-line react-hooks/exhaustive-deps -- requestKey stands for all the inputs
  const fromServer = server?.key === requestKey ? server.preview : null;

  return (
    <section className="preview" data-preview={channel} data-preview-source={fromServer ? 'server' : 'local'}>
      <div className="rule-head">
        <strong>Preview</strong>
        <span className="preview-contact">
          as{' '}
          <input
            name="preview-contact"
            aria-label="Preview as contact"
            list="preview-contacts"
            value={choice.externalId}
            placeholder="externalId"
            onChange={(e) => choice.setExternalId(e.target.value)}
          />
          <datalist id="preview-contacts">
            {choice.options.map((c) => (
              <option key={c.externalId} value={c.externalId}>
                {String(c.attributes.firstName ?? c.attributes.email ?? '')}
              </option>
            ))}
          </datalist>
        </span>
      </div>
      {choice.error && <p className="hint warn">{choice.error}</p>}
      {!choice.contact && !choice.error && <p className="hint">No contacts yet: ingest some to preview with real data.</p>}
      {fromServer ? (
        <>
          <Rendered channel={channel} content={fromServer.content} costCents={fromServer.sms ? undefined : costCents} />
          <p className="hint" data-preview-cost={fromServer.costCents}>
            {fromServer.locale ? `Language: ${fromServer.locale} · ` : ''}
            costs {(fromServer.costCents / 100).toFixed(2)} for this contact
            {fromServer.sms ? ` (${fromServer.sms.segments} SMS segment${fromServer.sms.segments === 1 ? '' : 's'})` : ''}
          </p>
          {fromServer.missingVariables.length > 0 && (
            <p className="hint warn" data-missing-variables>
              This contact has no {fromServer.missingVariables.join(', ')}: use {'{{default name "…"}}'} for a fallback.
            </p>
          )}
          {fromServer.problems.map((p) => (
            <p className="field-error" key={p}>
              {p}
            </p>
          ))}
        </>
      ) : (
        <>
          {local && !local.ok && <p className="field-error">The preview cannot render: {local.error}</p>}
          {local?.ok && <Rendered channel={channel} content={local.content as Record<string, string | undefined>} costCents={costCents} />}
        </>
      )}
    </section>
  );
}

export function Rendered({
  channel,
  content,
  costCents,
}: {
  channel: ChannelKind;
  content: Record<string, string | undefined>;
  costCents?: number;
}) {
  if (channel === 'email') return <RenderedEmail content={content} />;
  if (channel === 'push') {
    return (
      <div className="mock-push" data-rendered="push">
        <div className="mock-push-app">Boomerang · now</div>
        <div className="mock-push-title">{content.title}</div>
        <div className="mock-push-body">{content.body}</div>
        {content.url && <div className="mock-push-url">↗ {content.url}</div>}
      </div>
    );
  }
  if (channel === 'sms') {
    const seg = smsSegments(content.body ?? '');
    return (
      <div className="mock-sms" data-rendered="sms">
        <div className="mock-sms-bubble">{content.body}</div>
        <div className="hint" data-sms-segments={seg.segments}>
          {seg.characters} characters · {seg.encoding} · {seg.segments} segment{seg.segments === 1 ? '' : 's'}
          {costCents !== undefined ? ` · ${((seg.segments * costCents) / 100).toFixed(2)} per contact` : ''}
        </div>
      </div>
    );
  }
  return (
    <div className="mock-webhook" data-rendered="webhook">
      <code>POST {content.url}</code>
      <pre>{content.body}</pre>
    </div>
  );
}

/** The widths mail clients lay an e-mail out at: the 600 px column of a desktop client, a 375 px phone. */
const deviceWidths = { desktop: 600, mobile: 375 } as const;
type Device = keyof typeof deviceWidths;

/**
 * The e-mail in a sandboxed frame (no scripts, no same-origin) laid out at a desktop or a phone's width; where the
 * space is narrower (an inbox card, the narrow side panel) the frame is zoomed down to fit, never cut. A narrow space
 * starts on the phone width.
 */
function RenderedEmail({ content }: { content: Record<string, string | undefined> }) {
  const stage = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState<number | null>(null);
  const [picked, setPicked] = useState<Device | null>(null);
  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const measure = () => setRoom(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [content.html]);
  const device: Device = picked ?? (room !== null && room < deviceWidths.desktop ? 'mobile' : 'desktop');
  const zoom = room ? Math.min(1, room / deviceWidths[device]) : 1;
  return (
    <div className="mock-email" data-rendered="email" data-preview-device={device}>
      <div className="mock-email-subject">
        <span>{content.subject || <span className="muted">(no subject)</span>}</span>
        {content.html && (
          <span className="device-toggle" role="group" aria-label="Preview width">
            {(Object.keys(deviceWidths) as Device[]).map((d) => (
              <button
                key={d}
                type="button"
                className={`btn small ${device === d ? 'on' : ''}`}
                aria-pressed={device === d}
                data-preview-width={d}
                onClick={() => setPicked(d)}
              >
                {d === 'desktop' ? 'Desktop' : 'Mobile'} · {deviceWidths[d]} px
              </button>
            ))}
          </span>
        )}
      </div>
      {content.html ? (
        <div className="mock-email-stage" ref={stage}>
          <iframe
            title="Email preview"
            sandbox=""
            className="mock-email-frame"
            style={{ width: deviceWidths[device], zoom, height: `calc(var(--email-frame-height) / ${zoom})` }}
            srcDoc={content.html}
          />
        </div>
      ) : (
        <pre className="mock-email-text">{content.text}</pre>
      )}
    </div>
  );
}
