/**
 * The message's form: win-back or follow-up, the channel and its fallbacks, copy by language with a preview,
 * escalation to another channel, and the cost per message.
 */
import { useContext, useState } from 'react';
import { channelKinds, type ChannelData, type ChannelKind, type MessageTemplate } from '../../engine';
import { FlowInfo } from '../../flow/FlowInfo';
import { EmailCopy, type TemplatePatch } from '../../email/EmailCopy';
import { CopyFields, CopyPreview } from '../../forms/CopyEditor';
import { Check, IntegerField, SelectField, useFieldIssue } from '../../forms/fields';
import { withOptional } from '../../forms/with-optional';
import type { FormProps } from '../types';
import { channelNames } from './channel-names';
import { EscalateFields } from './EscalateFields';
import { TopicField } from './TopicField';

/** Locales offered for copy variants; the contact's `locale` attribute picks one (zh-Hant-TW → zh-Hant → zh → default). */
const localeChoices = ['zh-CN', 'zh-TW', 'zh', 'en', 'en-US', 'en-GB', 'ja', 'ko', 'fr', 'de', 'es', 'pt-BR', 'ru', 'ar'];

export function ChannelForm({ config, onChange, disabled }: FormProps<ChannelData>) {
  // fallback and escalation channels send the same template: show their fields too
  const channels = [...new Set([config.channel, ...(config.fallback ?? []), ...(config.escalate?.to ?? [])])];
  const flow = useContext(FlowInfo);
  const [locale, setLocale] = useState<string | null>(null); // the copy tab: null = the default copy
  const activeLocale = locale !== null && config.locales?.[locale] ? locale : null;
  const shown = activeLocale ? (config.locales?.[activeLocale] ?? {}) : config.template;
  const patchTemplate = (patch: TemplatePatch) => {
    const patched = (t: MessageTemplate) =>
      Object.entries(patch).reduce((next, [key, value]) => withOptional(next, key, value === '' ? undefined : value), t);
    if (!activeLocale) {
      onChange({ ...config, template: patched(config.template) });
      return;
    }
    onChange({ ...config, locales: { ...config.locales, [activeLocale]: patched(config.locales?.[activeLocale] ?? {}) } });
  };
  const setTemplate = (key: keyof MessageTemplate, value: string) => patchTemplate({ [key]: value });
  const addLocale = (tag: string) => {
    if (!tag || config.locales?.[tag]) return;
    onChange({ ...config, locales: { ...config.locales, [tag]: { ...config.template } } });
    setLocale(tag);
  };
  const removeLocale = (tag: string) => {
    const rest = { ...config.locales };
    delete rest[tag];
    onChange(withOptional(config, 'locales', Object.keys(rest).length ? rest : undefined));
    setLocale(null);
  };
  const localeIssue = useFieldIssue('locales');
  const previewTemplate = activeLocale ? { ...config.template, ...config.locales?.[activeLocale] } : config.template;
  // the engine counts a message as win-back unless it says `winback: false`: the box shows exactly that
  const winback = config.winback !== false;
  return (
    <>
      <Check
        label="Win-back message"
        name="winback"
        checked={winback}
        disabled={disabled}
        onChange={(on) => onChange({ ...config, winback: on })}
      />
      <p className="hint" data-winback-sentence>
        {winback
          ? 'A contact who comes back within the attribution window after this message counts as won back by it.'
          : 'A follow-up (e.g. a check-in after the contact returned): coming back after it is not credited to the flow.'}
      </p>
      <SelectField<ChannelKind>
        label="Channel"
        name="channel"
        value={config.channel}
        disabled={disabled}
        options={channelKinds.map((c) => [c, channelNames[c]] as const)}
        onChange={(channel) =>
          onChange(
            withOptional(
              { ...config, channel },
              'fallback',
              config.fallback?.filter((f) => f !== channel).length ? config.fallback.filter((f) => f !== channel) : undefined,
            ),
          )
        }
      />
      <TopicField config={config} disabled={disabled} onChange={onChange} />
      <div className="field">
        <span>Fallback when the contact cannot get {channelNames[config.channel]}</span>
        <div className="checks">
          {channelKinds
            .filter((c) => c !== config.channel)
            .map((c) => (
              <Check
                key={c}
                name={`fallback-${c}`}
                label={channelNames[c]}
                disabled={disabled}
                checked={config.fallback?.includes(c) ?? false}
                onChange={(on) => {
                  const next = on ? [...(config.fallback ?? []), c] : (config.fallback ?? []).filter((f) => f !== c);
                  onChange(withOptional(config, 'fallback', next.length ? next : undefined));
                }}
              />
            ))}
        </div>
      </div>
      <div className={`field ${localeIssue ? 'invalid' : ''}`} data-field="locales">
        <span>Copy by language</span>
        {localeIssue && <small className="field-error">{localeIssue}</small>}
        <div className="locale-tabs" role="tablist">
          <button
            type="button"
            role="tab"
            className={`btn small ${activeLocale === null ? 'on' : ''}`}
            data-locale-tab="default"
            onClick={() => setLocale(null)}
          >
            Default
          </button>
          {Object.keys(config.locales ?? {}).map((tag) => (
            <button
              type="button"
              role="tab"
              key={tag}
              className={`btn small ${activeLocale === tag ? 'on' : ''}`}
              data-locale-tab={tag}
              onClick={() => setLocale(tag)}
            >
              {tag}
            </button>
          ))}
          {!disabled && (
            <select name="addLocale" aria-label="Add a language" value="" onChange={(e) => addLocale(e.target.value)}>
              <option value="">+ Add a language…</option>
              {localeChoices
                .filter((tag) => !config.locales?.[tag])
                .map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
            </select>
          )}
        </div>
        <small className="hint">
          {activeLocale
            ? `Sent to contacts whose locale is ${activeLocale} (or a narrower one); empty fields use the default copy.`
            : 'Sent to everyone without a matching language variant.'}
          {activeLocale && !disabled && (
            <>
              {' '}
              <button type="button" className="linkish" data-remove-locale={activeLocale} onClick={() => removeLocale(activeLocale)}>
                Remove {activeLocale}
              </button>
            </>
          )}
        </small>
      </div>
      {channels.map((c) => (
        <fieldset className="template-fields" key={c}>
          <legend>
            {c === config.channel
              ? `${channelNames[c]} copy`
              : config.fallback?.includes(c)
                ? `${channelNames[c]} fallback copy`
                : `${channelNames[c]} escalation copy`}
            {activeLocale && ` · ${activeLocale}`}
            {c !== config.channel && <small className="muted"> (shares fields with the main copy)</small>}
          </legend>
          {c === 'email' ? (
            <EmailCopy template={shown} disabled={disabled} onField={setTemplate} onPatch={patchTemplate} costCents={config.costCents} />
          ) : (
            <CopyFields channel={c} template={shown} disabled={disabled} onChange={setTemplate} costCents={config.costCents} />
          )}
        </fieldset>
      ))}
      <CopyPreview
        channel={config.channel}
        template={previewTemplate}
        locales={activeLocale ? undefined : config.locales}
        costCents={config.costCents}
        flow={flow}
      />
      <EscalateFields config={config} disabled={disabled} onChange={onChange} />
      <p className="hint">
        Variables: any contact attribute ({'{{firstName}}'}), {'{{default firstName "there"}}'} for a fallback, {'{{links.click}}'} for a
        tracked link.
      </p>
      <IntegerField
        label="Cost per message (cents)"
        name="costCents"
        hint="Counts toward the flow's spend; an SMS costs this per segment"
        optional
        min={0}
        max={1_000_000}
        value={config.costCents}
        disabled={disabled}
        onChange={(costCents) => onChange(withOptional(config, 'costCents', costCents))}
      />
    </>
  );
}
