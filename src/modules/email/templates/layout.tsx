/**
 * The frame every email shares: tables and inline styles (Gmail and Outlook drop <style> blocks and
 * ignore most layout CSS), a light card that keeps its contrast when a client inverts colours, the
 * product's name on top and a footer that says why the recipient got the message.
 */
import type { Child } from 'hono/jsx';
import type { EmailEnv } from './define.js';

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const TEXT = '#18181b';
const MUTED = '#52525b';
const BRAND = '#4f46e5';

export function EmailLayout(props: { env: EmailEnv; subject: string; preheader: string; reason: string; children: Child }) {
  const { env } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{props.subject}</title>
      </head>
      <body style={`margin:0;padding:0;background-color:#f4f4f5;color:${TEXT};font-family:${FONT};`}>
        <div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;">{props.preheader}</div>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style="background-color:#f4f4f5;">
          <tr>
            <td align="center" style="padding:24px 12px;">
              <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style="max-width:560px;">
                <tr>
                  <td style={`padding:0 8px 16px 8px;font-family:${FONT};font-size:18px;font-weight:700;color:${BRAND};`}>{env.appName}</td>
                </tr>
                <tr>
                  <td
                    class="card"
                    style={`background-color:#ffffff;border:1px solid #e4e4e7;border-radius:8px;padding:32px 28px;font-family:${FONT};font-size:16px;line-height:24px;color:${TEXT};`}
                  >
                    {props.children}
                  </td>
                </tr>
                <tr>
                  <td style={`padding:16px 8px 0 8px;font-family:${FONT};font-size:12px;line-height:18px;color:#71717a;`}>
                    <p style="margin:0 0 6px 0;">{props.reason}</p>
                    <p style="margin:0;">
                      {env.appName} ·{' '}
                      <a href={env.rootUrl} style="color:#71717a;text-decoration:underline;">
                        {env.rootUrl.replace(/^https?:\/\//, '')}
                      </a>
                    </p>
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}

export function P(props: { children: Child; muted?: boolean }) {
  return <p style={`margin:0 0 16px 0;${props.muted ? `font-size:14px;line-height:20px;color:${MUTED};` : ''}`}>{props.children}</p>;
}

/** A call to action: a "bulletproof" button (a table cell, so Outlook draws it) and the link in clear below it. */
export function ActionButton(props: { href: string; label: string }) {
  return (
    <>
      <table role="presentation" cellpadding="0" cellspacing="0" border={0} style="margin:8px 0 16px 0;">
        <tr>
          <td align="center" bgcolor={BRAND} style={`border-radius:6px;background-color:${BRAND};`}>
            <a
              href={props.href}
              style={`display:inline-block;padding:12px 20px;font-family:${FONT};font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;`}
            >
              {props.label}
            </a>
          </td>
        </tr>
      </table>
      <p style={`margin:0 0 16px 0;font-size:14px;line-height:20px;color:${MUTED};word-break:break-all;`}>
        Or paste this link into your browser: <a href={props.href} style={`color:${BRAND};`}>{props.href}</a>
      </p>
    </>
  );
}

/** A one-time code, large and spaced. */
export function Code(props: { value: string }) {
  return <p style={`margin:8px 0 24px 0;font-family:Menlo,Consolas,monospace;font-size:32px;line-height:40px;font-weight:700;letter-spacing:6px;color:${TEXT};`}>{props.value}</p>;
}

/** One usage row: label, "used of limit", and a bar drawn with two table cells. */
export function UsageBar(props: { label: string; used: number; limit: number | null }) {
  const { used, limit } = props;
  const share = limit && limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : 0;
  const colour = share >= 90 ? '#dc2626' : share >= 75 ? '#d97706' : BRAND;
  return (
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style="margin:0 0 16px 0;">
      <tr>
        <td style={`font-family:${FONT};font-size:14px;line-height:20px;color:${TEXT};padding:0 0 4px 0;`}>{props.label}</td>
        <td align="right" style={`font-family:${FONT};font-size:14px;line-height:20px;color:${MUTED};padding:0 0 4px 0;`}>
          {limit === null ? `${used.toLocaleString('en-GB')} (no limit)` : `${used.toLocaleString('en-GB')} of ${limit.toLocaleString('en-GB')}`}
        </td>
      </tr>
      {limit !== null && (
        <tr>
          <td colspan={2}>
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border={0} style="background-color:#e4e4e7;border-radius:4px;">
              <tr>
                {share > 0 && <td width={`${share}%`} height="8" bgcolor={colour} style={`background-color:${colour};border-radius:4px;font-size:0;line-height:0;height:8px;`}>&nbsp;</td>}
                {share < 100 && <td height="8" style="font-size:0;line-height:0;height:8px;">&nbsp;</td>}
              </tr>
            </table>
          </td>
        </tr>
      )}
    </table>
  );
}
