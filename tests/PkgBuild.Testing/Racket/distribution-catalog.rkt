#lang racket/base
;; Writes a directory catalog (pkg/<name>) for distribution packages from a source tree of them: the
;; named packages and everything their info.rkt `deps` and `build-deps` reach, each with its directory
;; as its source, so `raco pkg install --auto` finds every one offline.
;; Usage: racket distribution-catalog.rkt PKGS-DIR CATALOG-DIR NAME ...
(require racket/file setup/getinfo)
(define args (vector->list (current-command-line-arguments)))
(define pkgs-dir (path->complete-path (car args)))
(define catalog (cadr args))
(define (dep-name d) (if (pair? d) (car d) d))
;; A dependency for another platform (#:platform "win32\\i386", say) is not installed here.
(define (for-here? d) (not (and (pair? d) (memq '#:platform d))))
(define (info-of name) (get-info/full (build-path pkgs-dir name)))
(define seen (make-hash))
(define (add! name)
  (define info (info-of name))
  (define deps (map dep-name (filter for-here? (append (info 'deps (lambda () '())) (info 'build-deps (lambda () '()))))))
  (hash-set! seen name deps)
  (walk deps))
(define (walk names)
  (for ([name names] #:unless (hash-ref seen name #f))
    (cond
      [(directory-exists? (build-path pkgs-dir name)) (add! name)]
      ;; Not in the tree (Debian's source leaves a few out): raco names it if a package really needs it.
      [else (hash-set! seen name #f)
            (eprintf "distribution-catalog: no package ~a in the tree; left out\n" name)])))

(walk (cddr args))
(make-directory* (build-path catalog "pkg"))
(for ([(name deps) (in-hash seen)] #:when deps)
  (call-with-output-file (build-path catalog "pkg" name) #:exists 'truncate
    (lambda (o)
      (write (hash 'name name 'source (path->string (build-path pkgs-dir name)) 'checksum ""
                   'author "distribution" 'description "" 'tags '() 'modules '() 'dependencies deps)
             o))))
(printf "~a\n" (for/sum ([deps (in-hash-values seen)] #:when deps) 1))
