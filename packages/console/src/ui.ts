import { ApiError } from './api';
import { h, show } from './dom';

/** The page's live regions: progress and outcomes are announced, errors are alerts. */
const status = () => document.getElementById('status')!;
const alertBox = () => document.getElementById('alert')!;

export function reportError(error: unknown): void {
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  show(alertBox(), h('strong', {}, 'Error: '), message);
  alertBox().hidden = false;
}

export function clearMessages(): void {
  alertBox().hidden = true;
  show(alertBox());
  show(status());
}

export function announce(message: string): void {
  show(status(), message);
}

/**
 * Runs one piece of work with visible progress: the sentence and an indeterminate progress bar while it runs
 * (a promote builds diffs and may take seconds), the outcome or the error in words afterwards. Buttons are
 * disabled meanwhile, so a second click cannot send the change twice.
 */
export async function withProgress<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
  clearMessages();
  show(status(), h('progress', { 'aria-label': label }), ` ${label}…`);
  document.body.setAttribute('aria-busy', 'true');
  const buttons = [...document.querySelectorAll('button:not([disabled])')] as HTMLButtonElement[];
  buttons.forEach((button) => (button.disabled = true));
  try {
    const result = await work();
    show(status());
    return result;
  } catch (error) {
    show(status());
    reportError(error);
    return undefined;
  } finally {
    buttons.forEach((button) => (button.disabled = false));
    document.body.removeAttribute('aria-busy');
  }
}

/**
 * A modal confirmation (`<dialog>`: focus moves into it, Escape cancels, Tab stays inside) that says what
 * devices will see. Resolves the form's values on confirm, undefined on cancel.
 */
export function confirmDialog(options: {
  title: string;
  explain: (form: HTMLFormElement) => string;
  fields?: Node[];
  confirmLabel: string;
  danger?: boolean;
}): Promise<FormData | undefined> {
  return new Promise((resolve) => {
    const explanation = h('p', { class: 'explain', id: 'dialog-explain', 'aria-live': 'polite' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'dialog-title' }, options.title),
      ...(options.fields ?? []),
      explanation,
      h(
        'div',
        { class: 'actions' },
        // Confirm first: Enter in a field submits with the first button.
        h(
          'button',
          { type: 'submit', value: 'confirm', class: options.danger ? 'danger' : 'primary' },
          options.confirmLabel,
        ),
        h('button', { type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel'),
      ),
    );
    const dialog = h('dialog', { 'aria-labelledby': 'dialog-title', 'aria-describedby': 'dialog-explain' }, form);
    const refresh = () => (explanation.textContent = options.explain(form));
    form.addEventListener('input', refresh);
    refresh();
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'confirm';
      const values = new FormData(form);
      dialog.remove();
      resolve(confirmed ? values : undefined);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A labelled form field: the label names the control for screen readers and for clicks. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `field-${Math.random().toString(36).slice(2)}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
}
