/**
 * The request form's questions, derived from the JSON Schemas in schema/ and from settings.yaml:
 * a new optional field in a schema, a new domain or a new organizational unit appears in the form
 * with no change here. Only the wording of well-known questions and which fields a page leaves out
 * are the form's own (pages.ts).
 */

/** The subset of JSON Schema the data files use. */
export interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: string[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  maxProperties?: number;
  additionalProperties?: boolean | SchemaNode;
  /** A local reference (`#/definitions/alternateContact`), resolved against the schema's definitions. */
  $ref?: string;
  definitions?: Record<string, SchemaNode>;
}

/**
 * How a question is asked: one line of text, an email address, a longer text, a GOV.UK date
 * (day, month, year), a choice, one item per line, or `key=value` per line.
 */
export type Control = 'text' | 'email' | 'textarea' | 'date' | 'radios' | 'select' | 'list' | 'map';

export interface Field {
  /** Path in the file, e.g. `team.email`; also the form control's name. */
  name: string;
  path: readonly string[];
  label: string;
  /** The schema's description: what the field is for and what it accepts. */
  hint?: string;
  /** Required by the schema (within its parent object, when that is present). */
  required: boolean;
  control: Control;
  options?: readonly string[];
  /** The object this field belongs to, when it is nested (`team`, `billing`, `bootstrap`). */
  group?: { name: string; label: string; hint?: string; required: boolean };
  /** The schema's limits, which the error messages name. */
  maxLength?: number;
  minLength?: number;
  /** The most items a list, or entries a map, may hold. */
  maxItems?: number;
  /** A list whose items are email addresses. */
  itemsAreEmails?: boolean;
  /** A list of the users of a team role of this kind (the account page's `roles`). */
  roleKind?: string;
  /** How error messages name the question mid-sentence ("your email address", "GitHub username"). */
  errorName?: string;
  /** The error when a required question is left empty ("Enter an email address"). */
  emptyMessage?: string;
  /** Radios: each option's label and hint, when they are not the value itself. */
  optionLabels?: readonly string[];
  optionHints?: readonly string[];
}

export interface FieldOptions {
  /** Field paths (`id`, `bootstrap.state`) the page does not ask for. */
  omit?: readonly string[];
  /** Labels for well-known fields; every other field gets one from its name. */
  labels?: Readonly<Record<string, string>>;
  /** Choices for a field that the schema leaves open (the organisation's OUs). */
  choices?: Readonly<Record<string, readonly string[]>>;
}

/** `cost_centre` → `Cost centre`. */
export function labelFromName(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An email pattern has a domain part after its `@` (`...@[a-z0-9-]+...`); a name's alphabet may just allow `@`. */
const EMAIL_PATTERN = /@\[/;

function controlFor(node: SchemaNode, name: string, choices: readonly string[] | undefined): Control {
  if (choices !== undefined) return choices.length > 5 ? 'select' : 'radios';
  if (node.enum !== undefined) return node.enum.length > 5 ? 'select' : 'radios';
  if (node.type === 'array') return 'list';
  if (node.type === 'object') return 'map';
  if (node.format === 'date') return 'date';
  if (EMAIL_PATTERN.test(node.pattern ?? '') || /(^|_)email$/.test(name)) return 'email';
  if ((node.maxLength ?? 0) > 128) return 'textarea';
  return 'text';
}

/** The questions for a file of this schema, in the schema's order, nested objects as groups. */
export function fieldsOf(schema: SchemaNode, options: FieldOptions = {}): Field[] {
  const omit = new Set(options.omit ?? []);
  const out: Field[] = [];
  // A property that refers to a definition is the definition, with the property's own words.
  const resolve = (node: SchemaNode): SchemaNode => {
    const name = node.$ref?.startsWith('#/definitions/') ? node.$ref.slice('#/definitions/'.length) : undefined;
    const target = name === undefined ? undefined : schema.definitions?.[name];
    if (target === undefined) return node;
    const { $ref: _ref, ...own } = node;
    return { ...target, ...own };
  };
  const visit = (node: SchemaNode, prefix: readonly string[], group: Field['group']): void => {
    const required = new Set(node.required ?? []);
    for (const [key, referring] of Object.entries(node.properties ?? {})) {
      const child = resolve(referring);
      const path = [...prefix, key];
      const name = path.join('.');
      if (omit.has(name)) continue;
      const label = options.labels?.[name] ?? labelFromName(key);
      if (child.type === 'object' && child.properties !== undefined) {
        const nested = { name, label, ...(child.description ? { hint: child.description } : {}), required: required.has(key) };
        visit(child, path, nested);
        continue;
      }
      const choices = options.choices?.[name];
      const control = controlFor(child, key, choices);
      const field: Field = { name, path, label, required: required.has(key), control };
      if (child.description) field.hint = child.description;
      if (child.maxLength !== undefined) field.maxLength = child.maxLength;
      if (child.minLength !== undefined) field.minLength = child.minLength;
      const most = child.maxItems ?? child.maxProperties;
      if (most !== undefined) field.maxItems = most;
      if (child.type === 'array' && child.items !== undefined && EMAIL_PATTERN.test(child.items.pattern ?? '')) field.itemsAreEmails = true;
      const values = choices ?? child.enum;
      if (values !== undefined) field.options = values;
      if (group !== undefined) field.group = group;
      out.push(field);
    }
  };
  visit(schema, [], undefined);
  return out;
}
