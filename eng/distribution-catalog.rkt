#lang racket/base
;; Writes a directory catalog (pkg/<name>) of Racket distribution packages taken from a source tree of
;; them (the share/pkgs of Racket's source, as eng/minimal-racket.sh keeps it): the named packages and
;; everything their info.rkt `deps` and `build-deps` reach, so `raco pkg install --auto` finds each one
;; offline. Each source is the package's directory, or with --git URL COMMIT, `URL?path=<name>` at that
;; commit (the tree laid out one package per top-level directory, as in share/pkgs). Prints the names.
;; Usage: racket distribution-catalog.rkt PKGS-DIR CATALOG-DIR [--git URL COMMIT] NAME ...
(require racket/file racket/list setup/getinfo)
(define args (vector->list (current-command-line-arguments)))
(define pkgs-dir (path->complete-path (car args)))
(define catalog (cadr args))
(define-values (git names)
  (if (and (> (length args) 4) (equal? (caddr args) "--git"))
      (values (cons (list-ref args 3) (list-ref args 4)) (list-tail args 5))
      (values #f (cddr args))))
(define (dep-name d) (if (pair? d) (car d) d))
;; A dependency for another platform (#:platform "win32\\i386", say) is not installed here.
(define (for-here? d) (not (and (pair? d) (memq '#:platform d))))
(define seen (make-hash))
(define (add! name)
  (define info (get-info/full (build-path pkgs-dir name)))
  (define deps (map dep-name (filter for-here? (append (info 'deps (lambda () '())) (info 'build-deps (lambda () '()))))))
  (hash-set! seen name deps)
  (walk deps))
(define (walk names)
  (for ([name names] #:unless (hash-has-key? seen name))
    (cond
      [(directory-exists? (build-path pkgs-dir name)) (add! name)]
      ;; Not in the tree (Debian's source leaves a few out): raco names it if a package really needs it.
      [else (hash-set! seen name #f)
            (eprintf "distribution-catalog: no package ~a in the tree; left out\n" name)])))
(walk names)
(make-directory* (build-path catalog "pkg"))
(for ([name (sort (hash-keys seen) string<?)] #:when (hash-ref seen name))
  (call-with-output-file (build-path catalog "pkg" name) #:exists 'truncate
    (lambda (o)
      (write (hash 'name name
                   'source (if git (format "~a?path=~a" (car git) name) (path->string (build-path pkgs-dir name)))
                   'checksum (if git (cdr git) "")
                   'author "distribution" 'description "" 'tags '() 'modules '()
                   'dependencies (hash-ref seen name))
             o)))
  (displayln name))
