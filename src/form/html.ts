/**
 * The request form's pages as static HTML, in the GOV.UK Design System's markup (the
 * `govuk-frontend` package's classes and components: generic header, service navigation, inputs,
 * date input, radios, checkboxes, error messages, footer). The service is not on GOV.UK, so, as the
 * Design System asks of such services, it wears the generic header (no crown) and no GOV.UK brand
 * in the footer or favicon. Everything is readable without JavaScript; the script (browser.ts)
 * checks the answers, builds the file and the GitHub link.
 */
import type { Field } from './fields.ts';
import type { PageId, PageSpec } from './pages.ts';
import type { Repository } from './request.ts';

/** What the browser script needs, embedded in each page as JSON. */
export interface PageConfig {
  page: PageSpec;
  /** settings.yaml as committed: the rules that need settings read it, as `validate` does. */
  settingsText: string;
  repository: Repository;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `team.email` → `team-email`: ids stay plain in CSS selectors and fragment links. */
export function idOf(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}

export const PAGE_FILES: Readonly<Record<PageId, string>> = {
  'user-access': 'user-access.html',
  'user-removal': 'user-removal.html',
  'password-reset': 'password-reset.html',
  account: 'account.html',
  'team-role': 'team-role.html',
};

const SERVICE_NAME = 'Request AWS access';

function serviceNavigation(pages: readonly PageSpec[], current: PageId | undefined): string {
  const items = pages
    .map((page) => {
      const active = page.id === current;
      const text = escapeHtml(page.navigationTitle);
      return active
        ? `<li class="govuk-service-navigation__item govuk-service-navigation__item--active"><a class="govuk-service-navigation__link" href="${PAGE_FILES[page.id]}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">${text}</strong></a></li>`
        : `<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="${PAGE_FILES[page.id]}">${text}</a></li>`;
    })
    .join('\n');
  return `<section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
  <div class="govuk-width-container">
    <div class="govuk-service-navigation__container">
      <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
        <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">Menu</button>
        <ul class="govuk-service-navigation__list" id="navigation">
${items}
        </ul>
      </nav>
    </div>
  </div>
</section>`;
}

export interface LayoutParts {
  title: string;
  repository: Repository;
  /** settings.yaml's support mailbox, named in the footer. */
  supportMailbox: string;
  pages: readonly PageSpec[];
  current: PageId | undefined;
  main: string;
  /** JSON for the script; absent on pages without one. */
  config?: PageConfig;
}

/** The Design System's generic header, for services that are not on GOV.UK: the service's name, no crown. */
function genericHeader(): string {
  return `<div class="govuk-generic-header">
  <div class="govuk-generic-header__container govuk-width-container">
    <div class="govuk-generic-header__logo">
      <a href="index.html" class="govuk-generic-header__homepage-link">${SERVICE_NAME}</a>
    </div>
  </div>
</div>`;
}

/** GOV.UK's footer without the crown, the Open Government Licence and Crown copyright, which belong to GOV.UK. */
function footer(repository: Repository, supportMailbox: string): string {
  const link = (href: string, text: string): string =>
    `<li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`;
  return `<div class="govuk-footer">
  <div class="govuk-width-container">
    <div class="govuk-footer__meta">
      <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
        <h2 class="govuk-visually-hidden">Support links</h2>
        <ul class="govuk-footer__inline-list">
          ${link(`${repository.server}/${repository.name}`, `${repository.name} on GitHub`)}
          ${link(`mailto:${supportMailbox}`, `Get help: ${supportMailbox}`)}
        </ul>
      </div>
    </div>
  </div>
</div>`;
}

export function layout(parts: LayoutParts): string {
  // `</` cannot end the JSON's script element early. A classic deferred script, not a module: the
  // browser refuses module scripts on pages opened from disk (file://), and the form must work there.
  const config = parts.config === undefined ? '' : `<script type="application/json" id="form-config">${JSON.stringify(parts.config).replace(/</g, '\\u003c')}</script>
<script defer src="assets/form.js"></script>`;
  return `<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(parts.title)} – ${SERVICE_NAME}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#1d70b8">
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="assets/govuk-frontend.min.css">
  <link rel="stylesheet" href="assets/form.css">
</head>
<body class="govuk-template__body">
<script>document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');</script>
<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
<header class="govuk-template__header">
${genericHeader()}
${serviceNavigation(parts.pages, parts.current)}
</header>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
${parts.main}
</main>
</div>
<footer class="govuk-template__footer">
${footer(parts.repository, parts.supportMailbox)}
</footer>
${config}
</body>
</html>
`;
}

function hintHtml(id: string, hint: string | undefined): string {
  return hint === undefined ? '' : `<div id="${id}-hint" class="govuk-hint">${escapeHtml(hint)}</div>`;
}

/** The error message slot every question has; the script fills and shows it. */
function errorSlot(id: string): string {
  return `<p id="${id}-error" class="govuk-error-message" hidden><span class="govuk-visually-hidden">Error:</span> <span class="app-error-text"></span></p>`;
}

function describedBy(id: string, hint: string | undefined): string {
  return hint === undefined ? '' : ` aria-describedby="${id}-hint"`;
}

/** One question in GOV.UK markup, with a hidden error message slot. */
export function fieldHtml(field: Field): string {
  const id = idOf(field.name);
  const label = escapeHtml(field.label);
  const name = escapeHtml(field.name);
  const hint = hintHtml(id, field.hint);
  const by = describedBy(id, field.hint);
  const group = (inner: string): string => `<div class="govuk-form-group" data-field="${name}">\n${inner}\n</div>`;
  switch (field.control) {
    case 'text':
    case 'email': {
      const email = field.control === 'email' ? ' type="email" autocomplete="email" spellcheck="false"' : ' type="text" spellcheck="false"';
      return group(`<label class="govuk-label" for="${id}">${label}</label>\n${hint}\n${errorSlot(id)}\n<input class="govuk-input" id="${id}" name="${name}"${email}${by}>`);
    }
    case 'textarea':
    case 'list':
    case 'map': {
      const rows = field.control === 'textarea' ? 3 : 4;
      const extra = field.control === 'textarea' ? '' : ' spellcheck="false"';
      const how = field.control === 'list' ? 'One per line.' : field.control === 'map' ? 'One per line, as name=value.' : undefined;
      // The page's own hints say how to write the list; a new list from a schema gets the plain rule.
      const fullHint = how === undefined || /one per line/i.test(field.hint ?? '') ? field.hint : `${how} ${field.hint ?? ''}`.trim();
      return group(
        `<label class="govuk-label" for="${id}">${label}</label>\n${hintHtml(id, fullHint)}\n${errorSlot(id)}\n<textarea class="govuk-textarea" id="${id}" name="${name}" rows="${rows}"${extra}${describedBy(id, fullHint)}></textarea>`,
      );
    }
    case 'date': {
      const part = (which: 'day' | 'month' | 'year', text: string, width: number): string =>
        `<div class="govuk-date-input__item"><div class="govuk-form-group"><label class="govuk-label govuk-date-input__label" for="${id}-${which}">${text}</label><input class="govuk-input govuk-date-input__input govuk-input--width-${width}" id="${id}-${which}" name="${name}-${which}" type="text" inputmode="numeric"></div></div>`;
      const dateHint = /for example/i.test(field.hint ?? '') ? (field.hint ?? '') : `${field.hint ?? ''} For example, 31 3 2027`.trim();
      return group(
        `<fieldset class="govuk-fieldset" role="group" aria-describedby="${id}-hint">\n<legend class="govuk-fieldset__legend">${label}</legend>\n${hintHtml(id, dateHint)}\n${errorSlot(id)}\n<div class="govuk-date-input" id="${id}">${part('day', 'Day', 2)}${part('month', 'Month', 2)}${part('year', 'Year', 4)}</div>\n</fieldset>`,
      );
    }
    case 'radios': {
      const items = (field.options ?? [])
        .map((option, i) => {
          const optionId = i === 0 ? id : `${id}-${i + 1}`;
          const optionHint = field.optionHints?.[i];
          const hintAttr = optionHint === undefined ? '' : ` aria-describedby="${optionId}-item-hint"`;
          const hintHtmlText = optionHint === undefined ? '' : `<div id="${optionId}-item-hint" class="govuk-hint govuk-radios__hint">${escapeHtml(optionHint)}</div>`;
          return `<div class="govuk-radios__item"><input class="govuk-radios__input" id="${optionId}" name="${name}" type="radio" value="${escapeHtml(option)}"${hintAttr}><label class="govuk-label govuk-radios__label" for="${optionId}">${escapeHtml(field.optionLabels?.[i] ?? option)}</label>${hintHtmlText}</div>`;
        })
        .join('\n');
      return group(
        `<fieldset class="govuk-fieldset"${by}>\n<legend class="govuk-fieldset__legend">${label}</legend>\n${hint}\n${errorSlot(id)}\n<div class="govuk-radios" data-module="govuk-radios">\n${items}\n</div>\n</fieldset>`,
      );
    }
    case 'select': {
      const options = ['<option value="">Choose one</option>', ...(field.options ?? []).map((o) => `<option value="${escapeHtml(o)}">${escapeHtml(o)}</option>`)].join('');
      return group(`<label class="govuk-label" for="${id}">${label}</label>\n${hint}\n${errorSlot(id)}\n<select class="govuk-select" id="${id}" name="${name}"${by}>${options}</select>`);
    }
  }
}

/** The questions, nested objects (team, billing, bootstrap) each in their own fieldset. */
export function fieldsHtml(fields: readonly Field[]): string {
  const out: string[] = [];
  let open: string | undefined;
  for (const field of fields) {
    const group = field.group;
    if (group?.name !== open) {
      if (open !== undefined) out.push('</fieldset>');
      open = group?.name;
      if (group !== undefined) {
        out.push(
          `<fieldset class="govuk-fieldset app-fieldset"${group.hint ? ` aria-describedby="${idOf(group.name)}-hint"` : ''}>\n<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">${escapeHtml(group.label)}</legend>\n${hintHtml(idOf(group.name), group.hint)}`,
        );
      }
    }
    out.push(fieldHtml(field));
  }
  if (open !== undefined) out.push('</fieldset>');
  return out.join('\n');
}
