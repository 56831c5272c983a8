import nodemailer from 'nodemailer'

export interface MailMessage {
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html: string
}

/** Sends one e-mail; rejects when the mail server refuses it. */
export type Mailer = (message: MailMessage) => Promise<void>

export function smtpMailer(mail: { readonly smtpUrl: string; readonly from: string }): Mailer {
  const transport = nodemailer.createTransport(mail.smtpUrl)
  return async (message) => {
    await transport.sendMail({ from: mail.from, ...message })
  }
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

/** A notification as an e-mail: plain text and simple HTML, with the item's absolute link. */
export function notificationEmail(
  n: { subject: string; body: string; link: string; name: string; email: string },
  publicUrl: string,
  serviceName: string,
): MailMessage {
  const url = `${publicUrl}${n.link}`
  const footer = `You get these reminders from ${serviceName}. You can turn e-mailed reminders off on your notifications page: ${publicUrl}/notifications`
  return {
    to: n.email,
    subject: n.subject,
    text: `${n.body}\n\n${url}\n\n${footer}\n`,
    html:
      `<p>${escapeHtml(n.body)}</p>` +
      `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>` +
      `<p style="color:#505a5f">${escapeHtml(footer)}</p>`,
  }
}

/** One e-mail listing a day's notifications, for those who asked for a daily digest. */
export function digestEmail(
  list: readonly { subject: string; body: string; link: string; name: string; email: string }[],
  publicUrl: string,
  serviceName: string,
): MailMessage {
  const footer = `You get this daily digest from ${serviceName}. You can change how you get e-mail on your notifications page: ${publicUrl}/notifications`
  const count = `${list.length} ${list.length === 1 ? 'notification' : 'notifications'}`
  return {
    to: list[0]?.email ?? '',
    subject: `${serviceName}: ${count} today`,
    text: `${list.map((n) => `${n.subject}\n${n.body}\n${publicUrl}${n.link}`).join('\n\n')}\n\n${footer}\n`,
    html:
      `<ul>${list
        .map(
          (n) =>
            `<li><p><a href="${escapeHtml(`${publicUrl}${n.link}`)}">${escapeHtml(n.subject)}</a></p><p>${escapeHtml(n.body)}</p></li>`,
        )
        .join('')}</ul>` + `<p style="color:#505a5f">${escapeHtml(footer)}</p>`,
  }
}
