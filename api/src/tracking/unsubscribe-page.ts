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
  /** a link without a valid signature, and an authentic one past its expiry */
  forgedTitle: string;
  forged: string;
  expiredTitle: string;
  expired: string;
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
    forgedTitle: 'This link does not work',
    forged: 'The link is incomplete or was changed. Please use the link in our message exactly as you received it.',
    expiredTitle: 'This link has expired',
    expired: 'Please use the link in a more recent message from us.',
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
    forgedTitle: '此链接无效',
    forged: '链接不完整或已被修改。请使用您收到的消息中的原始链接。',
    expiredTitle: '此链接已过期',
    expired: '请使用我们最近一条消息中的链接。',
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
    forgedTitle: '此連結無效',
    forged: '連結不完整或已被修改。請使用您收到的訊息中的原始連結。',
    expiredTitle: '此連結已過期',
    expired: '請使用我們最近一則訊息中的連結。',
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
    forgedTitle: 'Este enlace no funciona',
    forged: 'El enlace está incompleto o fue modificado. Use el enlace de nuestro mensaje tal como lo recibió.',
    expiredTitle: 'Este enlace ha caducado',
    expired: 'Use el enlace de un mensaje nuestro más reciente.',
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
    forgedTitle: 'Ce lien ne fonctionne pas',
    forged: 'Le lien est incomplet ou a été modifié. Utilisez le lien de notre message tel que vous l’avez reçu.',
    expiredTitle: 'Ce lien a expiré',
    expired: 'Utilisez le lien d’un message plus récent de notre part.',
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

/** A subscription link refused: 403 `forged` (not signed here, or changed) or 410 `expired`. */
export function refusedLinkPage(locale: string | null, problem: 'forged' | 'expired'): string {
  const copy = unsubscribeCopy(locale);
  return problem === 'forged'
    ? page(copy, copy.forgedTitle, `<p>${escapeHtml(copy.forged)}</p>`)
    : page(copy, copy.expiredTitle, `<p>${escapeHtml(copy.expired)}</p>`);
}

/** Where a click without a usable destination lands: a neutral page, never the admin app. */
export function noDestinationPage(): string {
  return page(copies.en, 'Thank you', '<p>Thanks for your interest.</p>');
}
