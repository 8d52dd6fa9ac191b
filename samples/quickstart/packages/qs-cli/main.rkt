#lang racket/base
;; qs-cli: a tiny argument parser on top of qs-app. Its tests do not pin greeting's text.
(require racket/string
         qs-app)
(provide run-cli)

;; (run-cli args) => list of output lines
(define (run-cli args)
  (let loop ([args args] [who app-name])
    (cond
      [(null? args) (list (main-greeting who))]
      [(member (car args) '("-h" "--help"))
       (list (string-append "usage: " app-name " [--name NAME]")
             (usage-line "--name" "NAME" "who to greet"))]
      [(and (equal? (car args) "--name") (pair? (cdr args)))
       (loop (cddr args) (cadr args))]
      [else (list (string-append "unknown argument: " (car args)))])))

(module+ test
  (require rackunit)
  (check-equal? (length (run-cli '("--help"))) 2)
  (check-true (string-prefix? (car (run-cli '("--help"))) "usage: quickstart"))
  (check-true (string-contains? (car (run-cli '())) "quickstart"))
  (check-true (string-contains? (car (run-cli '("--name" "zoe"))) "zoe"))
  (check-equal? (run-cli '("--bogus")) '("unknown argument: --bogus")))
