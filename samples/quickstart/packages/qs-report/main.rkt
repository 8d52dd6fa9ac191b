#lang racket/base
;; qs-report: renders a small Markdown report with qs-text.
(require racket/string
         qs-text)
(provide render-report)

(define (render-report heading items)
  (string-append "## " (title heading) " (" (anchor heading) ")\n" (bullets items) "\n"))

(module+ test
  (require rackunit)
  (check-equal? (render-report "build results" '("ok: 3" "failed: 1"))
                "## Build Results (#build-results)\n- ok: 3\n- failed: 1\n")
  (check-true (string-suffix? (render-report "x" '()) "\n")))
