#lang racket/base
;; PkgBuild.Sdk runs a package's raco commands (install, pack, dependency check, tests) with this file:
;; one Racket process instead of one per command, which saves each command loading Racket's package
;; and setup libraries again (about a second a package). Each command still goes through raco's own
;; front end (raco/main, what the `raco` launcher runs) with its own command line, in a fresh
;; namespace, thread, custodian and plumber, so its modules are instantiated anew and nothing it
;; sets outside a parameterize reaches the next command; `exit` ends only that command.
;;
;; Command line: racket -N <raco> -t raco-steps.rkt -- <marker> {stop|go} <n> <arg>...  ...
;; Each group is one raco command line of <n> arguments; after a failed `stop` command the rest are
;; not run. Before each command this prints "<marker> start <i>" on a line of its own, after it a
;; newline and "<marker> exit <i> <code>" (the reader drops that one empty line: a command's output
;; need not end with a newline). The caller sends stderr to the same pipe as stdout (2>&1), so the
;; output interleaves as a `raco` process's would.
;;
;; racket/gui/base can be instantiated only once in a process: after a command that did, the rest
;; are left to processes of their own.

(require ffi/unsafe/global)

(define (command-groups args)
  (cond
    [(null? args) '()]
    [(or (null? (cdr args)) (not (member (car args) '("stop" "go")))
         (not (string->number (cadr args))))
     (raise-user-error 'raco-steps "expected {stop|go} <n> <arg>..., given: ~s" args)]
    [else
     (let loop ([n (string->number (cadr args))] [rest (cddr args)] [command '()])
       (cond
         [(zero? n) (cons (cons (equal? (car args) "stop") (reverse command)) (command-groups rest))]
         [(null? rest) (raise-user-error 'raco-steps "a command line ends early: ~s" args)]
         [else (loop (sub1 n) (cdr rest) (cons (car rest) command))]))]))

;; What a `raco` process would exit with, given the value passed to `exit`.
(define (exit-code v)
  (if (and (exact-integer? v) (<= 1 v 255)) v 0))

(define (run-raco arguments)
  (define out (current-output-port))
  (define err (current-error-port))
  ;; `raco setup` sets stdout's buffering for the whole process; each command starts as a process would.
  (define buffering (file-stream-buffer-mode out))
  (define err-buffering (file-stream-buffer-mode err))
  (define custodian (make-custodian))
  (define plumber (make-plumber))
  (define finished (make-semaphore 0))
  (define code #f)
  (define (finish! v)
    (unless code
      (set! code v)
      (plumber-flush-all plumber)
      (semaphore-post finished)))
  (define command
    (parameterize ([current-custodian custodian]
                   [current-plumber plumber]
                   [current-namespace (make-base-empty-namespace)]
                   [current-command-line-arguments (list->vector arguments)]
                   [exit-handler (lambda (v)
                                   (finish! (exit-code v))
                                   (custodian-shutdown-all custodian))])
      (thread
       (lambda ()
         ;; An exception nothing caught: shown as the process's handler would, and exit code 1, as a
         ;; `raco` process whose command raised would end.
         (with-handlers ([(lambda (e) #t)
                          (lambda (e)
                            ;; A handler the command replaced may fail in turn: the exit code stays 1.
                            (with-handlers ([(lambda (_) #t) void])
                              ((error-display-handler)
                               (if (exn? e) (exn-message e) (format "uncaught exception: ~e" e))
                               e))
                            (finish! 1))])
           (dynamic-require 'raco/main #f))
         (finish! 0)))))
  ;; A command whose main thread was killed ends as racket does when its main thread dies: exit 0.
  (sync finished (thread-dead-evt command))
  (finish! 0)
  (custodian-shutdown-all custodian)
  (flush-output out)
  (flush-output err)
  (file-stream-buffer-mode out buffering)
  (file-stream-buffer-mode err err-buffering)
  code)

(define (gui-instantiated?)
  (and (register-process-global #"GRacket-support-initialized" #f) #t))

(define arguments (vector->list (current-command-line-arguments)))
(when (null? arguments)
  (raise-user-error 'raco-steps "expected <marker> {stop|go} <n> <arg>..."))
(define marker (car arguments))
(let loop ([commands (command-groups (cdr arguments))] [i 0])
  (unless (null? commands)
    (define stop-on-failure? (car (car commands)))
    (printf "~a start ~a\n" marker i)
    (flush-output)
    (define code (run-raco (cdr (car commands))))
    (printf "\n~a exit ~a ~a\n" marker i code)
    (flush-output)
    (cond
      [(and stop-on-failure? (not (zero? code))) (void)]
      [(and (pair? (cdr commands)) (gui-instantiated?))
       (printf "raco-steps: racket/gui/base was instantiated; the commands after this one run each in a process of its own\n")]
      [else (loop (cdr commands) (add1 i))])))
