/**
 * The subscription preference page, in the contact's locale (`locale` attribute; `zh-Hant-TW` → `zh-Hant` → `zh` →
 * English): every workspace topic with a box per channel, Save, and Leave everything.
 */
import { localeChain } from '@boomerang/engine';
import type { PreferencesView } from '@boomerang/engine/core/views/topics';
import { PREFERENCE_CHANNELS } from './topics.service';

interface Copy {
  lang: string;
  title: string;
  intro: string;
  save: string;
  leave: string;
  saved: string;
  left: string;
  none: string;
  channels: Record<(typeof PREFERENCE_CHANNELS)[number], string>;
}

const copies: Record<string, Copy> = {
  en: {
    lang: 'en',
    title: 'Your subscriptions',
    intro: 'Choose what you hear from us, and how.',
    save: 'Save',
    leave: 'Leave everything',
    saved: 'Your choices are saved.',
    left: 'You will not hear from us any more.',
    none: 'There is nothing to choose yet.',
    channels: { email: 'E-mail', push: 'Push', sms: 'SMS' },
  },
  zh: {
    lang: 'zh-CN',
    title: '您的订阅',
    intro: '选择您希望收到的内容和方式。',
    save: '保存',
    leave: '全部退订',
    saved: '您的选择已保存。',
    left: '您将不会再收到我们的任何消息。',
    none: '暂无可选内容。',
    channels: { email: '邮件', push: '推送', sms: '短信' },
  },
  'zh-Hant': {
    lang: 'zh-Hant',
    title: '您的訂閱',
    intro: '選擇您希望收到的內容和方式。',
    save: '儲存',
    leave: '全部取消訂閱',
    saved: '您的選擇已儲存。',
    left: '您將不會再收到我們的任何訊息。',
    none: '暫無可選內容。',
    channels: { email: '電子郵件', push: '推播', sms: '簡訊' },
  },
  fr: {
    lang: 'fr',
    title: 'Vos abonnements',
    intro: 'Choisissez ce que vous recevez de notre part, et comment.',
    save: 'Enregistrer',
    leave: 'Tout quitter',
    saved: 'Vos choix sont enregistrés.',
    left: 'Vous ne recevrez plus rien de notre part.',
    none: 'Rien à choisir pour le moment.',
    channels: { email: 'E-mail', push: 'Push', sms: 'SMS' },
  },
  es: {
    lang: 'es',
    title: 'Sus suscripciones',
    intro: 'Elija qué recibe de nosotros y cómo.',
    save: 'Guardar',
    leave: 'Darme de baja de todo',
    saved: 'Sus preferencias se han guardado.',
    left: 'Ya no recibirá nada de nosotros.',
    none: 'Todavía no hay nada que elegir.',
    channels: { email: 'Correo', push: 'Push', sms: 'SMS' },
  },
};

function copyFor(locale: string | null): Copy {
  for (const candidate of localeChain(locale)) if (copies[candidate]) return copies[candidate];
  return copies.en;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page; `notice` is `saved` or `left` after a POST. */
export function preferencesPage(locale: string | null, view: PreferencesView, action: string, notice?: 'saved' | 'left'): string {
  const copy = copyFor(locale);
  const rows = view.topics
    .map(
      (t) =>
        `<fieldset><legend>${escapeHtml(t.name)}</legend>${t.description ? `<p>${escapeHtml(t.description)}</p>` : ''}` +
        PREFERENCE_CHANNELS.map(
          (c) =>
            `<label><input type="checkbox" name="${escapeHtml(`${t.key}:${c}`)}" value="on"${t.channels[c] ? ' checked' : ''}> ${escapeHtml(copy.channels[c])}</label>`,
        ).join(' ') +
        `</fieldset>`,
    )
    .join('');
  const body =
    (notice ? `<p role="status"><strong>${escapeHtml(notice === 'saved' ? copy.saved : copy.left)}</strong></p>` : '') +
    `<p>${escapeHtml(copy.intro)}</p>` +
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="form" value="preferences">` +
    (rows || `<p>${escapeHtml(copy.none)}</p>`) +
    `<p><button type="submit" name="action" value="save">${escapeHtml(copy.save)}</button> ` +
    `<button type="submit" name="action" value="leave">${escapeHtml(copy.leave)}</button></p></form>`;
  return (
    `<!doctype html><html lang="${copy.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(copy.title)}</title>` +
    `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}` +
    `fieldset{border:1px solid #ddd;border-radius:6px;margin:0 0 1rem}label{margin-right:1rem}` +
    `button{font:inherit;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #999;background:#fff;cursor:pointer}</style></head>` +
    `<body><h1>${escapeHtml(copy.title)}</h1>${body}</body></html>`
  );
}
