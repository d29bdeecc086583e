/**
 * The unsubscribe confirmation page, in the contact's locale (`locale` attribute; `zh-Hant-TW` → `zh-Hant` → `zh` →
 * English). GET only shows it — mail scanners follow links, so a GET must never unsubscribe; its button POSTs.
 */
import type { ChannelKind } from '@boomerang/engine';
import { localeChain } from '@boomerang/engine';

interface Copy {
  lang: string;
  confirmTitle: string;
  confirm: (channel: string) => string;
  button: string;
  doneTitle: string;
  done: (channel: string) => string;
  /** the link to the subscription preference page */
  choose: string;
  channels: Record<ChannelKind, string>;
}

const copies: Record<string, Copy> = {
  en: {
    lang: 'en',
    confirmTitle: 'Unsubscribe?',
    confirm: (c) => `Do you want to stop receiving ${c} from us?`,
    button: 'Unsubscribe',
    choose: 'Or choose which topics you receive',
    doneTitle: 'You are unsubscribed',
    done: (c) => `You will not receive ${c} from us any more.`,
    channels: { email: 'e-mails', push: 'push notifications', sms: 'text messages', webhook: 'messages' },
  },
  zh: {
    lang: 'zh-CN',
    confirmTitle: '退订？',
    confirm: (c) => `您确定不再接收我们的${c}吗？`,
    button: '退订',
    choose: '或选择您希望接收的主题',
    doneTitle: '您已退订',
    done: (c) => `您将不会再收到我们的${c}。`,
    channels: { email: '邮件', push: '推送通知', sms: '短信', webhook: '消息' },
  },
  'zh-Hant': {
    lang: 'zh-Hant',
    confirmTitle: '取消訂閱？',
    confirm: (c) => `您確定不再接收我們的${c}嗎？`,
    button: '取消訂閱',
    choose: '或選擇您希望接收的主題',
    doneTitle: '您已取消訂閱',
    done: (c) => `您將不會再收到我們的${c}。`,
    channels: { email: '電子郵件', push: '推播通知', sms: '簡訊', webhook: '訊息' },
  },
  es: {
    lang: 'es',
    confirmTitle: '¿Darse de baja?',
    confirm: (c) => `¿Quiere dejar de recibir nuestros ${c}?`,
    button: 'Darme de baja',
    choose: 'O elija qué temas recibe',
    doneTitle: 'Se ha dado de baja',
    done: (c) => `Ya no recibirá nuestros ${c}.`,
    channels: { email: 'correos', push: 'avisos push', sms: 'SMS', webhook: 'mensajes' },
  },
  fr: {
    lang: 'fr',
    confirmTitle: 'Se désabonner ?',
    confirm: (c) => `Voulez-vous ne plus recevoir nos ${c} ?`,
    button: 'Me désabonner',
    choose: 'Ou choisissez les sujets que vous recevez',
    doneTitle: 'Vous êtes désabonné',
    done: (c) => `Vous ne recevrez plus nos ${c}.`,
    channels: { email: 'e-mails', push: 'notifications', sms: 'SMS', webhook: 'messages' },
  },
};

export function unsubscribeCopy(locale: string | null): Copy {
  for (const candidate of localeChain(locale)) if (copies[candidate]) return copies[candidate];
  return copies.en;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(copy: Copy, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${copy.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>` +
    `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}` +
    `button{font:inherit;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #999;background:#fff;cursor:pointer}</style></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}

export function confirmPage(locale: string | null, channel: ChannelKind, action: string, preferences?: string): string {
  const copy = unsubscribeCopy(locale);
  return page(
    copy,
    copy.confirmTitle,
    `<p>${escapeHtml(copy.confirm(copy.channels[channel]))}</p>` +
      `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="confirm" value="page">` +
      `<button type="submit">${escapeHtml(copy.button)}</button></form>` +
      (preferences ? `<p><a href="${escapeHtml(preferences)}">${escapeHtml(copy.choose)}</a></p>` : ''),
  );
}

export function donePage(locale: string | null, channel: ChannelKind): string {
  const copy = unsubscribeCopy(locale);
  return page(copy, copy.doneTitle, `<p>${escapeHtml(copy.done(copy.channels[channel]))}</p>`);
}

/** Where a click without a usable destination lands: a neutral page, never the admin app. */
export function noDestinationPage(): string {
  return page(copies.en, 'Thank you', '<p>Thanks for your interest.</p>');
}
