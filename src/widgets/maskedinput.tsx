import type { TranslationBundle } from '@jupyterlab/translation';
import type { FieldProps } from '@rjsf/utils';
import * as React from 'react';

/**
 * A Settings Editor field for a secret: a masked input with a show/hide
 * toggle. The value is never written into the page other than in the input.
 * (The Settings Editor uses field renderers, `ui:field`, for custom inputs.)
 */
export function createMaskedField(
  trans: TranslationBundle
): (props: FieldProps) => JSX.Element {
  return function MaskedField(props: FieldProps): JSX.Element {
    const [shown, setShown] = React.useState(false);
    const id = props.idSchema.$id;
    const value = typeof props.formData === 'string' ? props.formData : '';
    return (
      <div className="jp-qbraid-MaskedInput">
        <input
          id={id}
          name={id}
          className="form-control jp-qbraid-MaskedInput-input"
          type={shown ? 'text' : 'password'}
          value={value}
          autoComplete="off"
          spellCheck={false}
          disabled={props.disabled || props.readonly}
          aria-label={props.schema.title ?? props.name}
          onChange={event => props.onChange(event.target.value)}
          onBlur={event => props.onBlur?.(id, event.target.value)}
          onFocus={event => props.onFocus?.(id, event.target.value)}
        />
        <button
          type="button"
          className="jp-mod-styled jp-qbraid-MaskedInput-toggle"
          aria-pressed={shown}
          aria-controls={id}
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
