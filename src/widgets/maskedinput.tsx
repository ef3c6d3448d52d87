import type { TranslationBundle } from '@jupyterlab/translation';
import type { WidgetProps } from '@rjsf/utils';
import * as React from 'react';

/**
 * A Settings Editor input for a secret: masked, with a show/hide toggle.
 * The value is never written into the page other than in the input itself.
 */
export function createMaskedInput(
  trans: TranslationBundle
): (props: WidgetProps) => JSX.Element {
  return function MaskedInput(props: WidgetProps): JSX.Element {
    const [shown, setShown] = React.useState(false);
    const value = typeof props.value === 'string' ? props.value : '';
    return (
      <div className="jp-qbraid-MaskedInput">
        <input
          id={props.id}
          name={props.id}
          className="form-control jp-qbraid-MaskedInput-input"
          type={shown ? 'text' : 'password'}
          value={value}
          autoComplete="off"
          spellCheck={false}
          disabled={props.disabled || props.readonly}
          aria-label={props.label}
          onChange={event => props.onChange(event.target.value)}
          onBlur={event => props.onBlur(props.id, event.target.value)}
          onFocus={event => props.onFocus(props.id, event.target.value)}
        />
        <button
          type="button"
          className="jp-mod-styled jp-qbraid-MaskedInput-toggle"
          aria-pressed={shown}
          aria-controls={props.id}
          title={
            shown ? trans.__('Hide the value') : trans.__('Show the value')
          }
          onClick={() => setShown(!shown)}
        >
          {shown ? trans.__('Hide') : trans.__('Show')}
        </button>
      </div>
    );
  };
}
