/** Marketing email: the announcement a campaign sends (headline, paragraphs, a call to action), with its unsubscribe link. */
import { ActionButton, P } from './layout.js';
import { defineEmailTemplate, oneLine, paragraphs } from './define.js';

export interface AnnouncementContext {
  subject: string;
  /** The recipient's name (may be empty). */
  name: string;
  headline: string;
  paragraphs: string[];
  cta?: { label: string; url: string } | undefined;
  /** The recipient's own one-click unsubscribe link (also in the List-Unsubscribe header). */
  unsubscribeUrl: string;
}

/** A paragraph is one line of prose: line breaks inside it become spaces (in HTML and in text alike). */
const prose = (value: string) => value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim();

export const announcementEmail = defineEmailTemplate<AnnouncementContext>({
  id: 'announcement',
  subject: (c) => oneLine(c.subject, 150),
  preheader: (c) => oneLine(c.paragraphs[0] ?? c.headline, 120),
  reason: (_c, env) => `You got this email because you asked for product news from ${env.appName}. Unsubscribe with the link above, or from your email preferences.`,
  html: (c) => (
    <>
      <h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;font-weight:600">{oneLine(c.headline, 200)}</h1>
      {c.paragraphs.map((p) => (
        <P>{prose(p)}</P>
      ))}
      {c.cta ? <ActionButton href={c.cta.url} label={oneLine(c.cta.label, 40)} /> : null}
      <P muted>
        Not interested any more? <a href={c.unsubscribeUrl}>Unsubscribe</a> in one click.
      </P>
    </>
  ),
  text: (c) => paragraphs(oneLine(c.headline, 200), ...c.paragraphs.map(prose), c.cta ? `${oneLine(c.cta.label, 40)}: ${c.cta.url}` : null, `Unsubscribe: ${c.unsubscribeUrl}`),
});
