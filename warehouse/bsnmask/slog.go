package bsnmask

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler wraps h so that no log line it writes holds a possible BSN: the message, every
// text value and every value that prints as text (errors, Stringers, lists) are masked.
// Numbers, times and durations are kept: a row count or a file size is no BSN. A
// handler that already masks is returned as it is.
func Handler(h slog.Handler) slog.Handler {
	if _, ok := h.(handler); ok {
		return h
	}
	return handler{h}
}

type handler struct{ next slog.Handler }

func (h handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Mask(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h handler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return handler{h.next.WithAttrs(masked)}
}

func (h handler) WithGroup(name string) slog.Handler { return handler{h.next.WithGroup(Mask(name))} }

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		v = slog.StringValue(Mask(v.String()))
	case slog.KindGroup:
		as := v.Group()
		masked := make([]any, len(as))
		for i, g := range as {
			masked[i] = maskAttr(g)
		}
		return slog.Group(Mask(a.Key), masked...)
	case slog.KindAny:
		if text := fmt.Sprint(v.Any()); Contains(text) {
			v = slog.StringValue(Mask(text))
		}
	}
	return slog.Attr{Key: Mask(a.Key), Value: v}
}

// Error returns err with its message masked; errors.Is and errors.As still see err.
// Nil stays nil.
func Error(err error) error {
	if err == nil {
		return nil
	}
	return maskedError{err}
}

type maskedError struct{ err error }

func (e maskedError) Error() string { return Mask(e.err.Error()) }
func (e maskedError) Unwrap() error { return e.err }
