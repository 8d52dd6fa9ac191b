#lang racket/base
;; Writes this folder as a Racket directory catalog (pkg/<name>, pkgs, pkgs-all), the way
;; `raco pkg catalog-copy` writes one: every file with `write`, no trailing newline.
;;
;;   racket make-subset.rkt
;;
;; A reconstruction, not a download (no network where it was made): see README.md for which values
;; are real and which are made up. Entries are shaped as the public catalog (pkgs.racket-lang.org,
;; rendered by racket/pkg-index official/static.rkt) serves them.
(require racket/file
         racket/list
         racket/match
         racket/runtime-path
         net/url)

(define-runtime-path here ".")

;; ---------------------------------------------------------------------------------------------
;; Real facts, harvested from git mirrors of the repositories: the commit each `default` entry is
;; at (master as of 2022-11-15, or the last commit before it), its commit time, and what
;; pkg-index computes from the package's info.rkt at that commit (official/update.rkt):
;; dependencies = deps + build-deps, rt-dependencies = deps, license as `(format "~s" ...)`,
;; implies, collection ('multi written as (multi)), and modules (only the first 6 of each list,
;; sorted, are kept here; module-count says how many there are).

(define TR "aa39ee840b58b1ac3e3f2140ecd1a8a7cff611d6")    ; racket/typed-racket master, 2022-11-11
(define TR-8.7 "ec4dc7c59eecfff235c1d4f8e0e5ab6df0439c94") ; racket/typed-racket tag v8.7
(define RKT "f63c2a284924baa638c350d7f49fe75fb7950b8f")   ; racket/racket master, 2022-11-14
(define RKT-8.7 "7e4f6e2362d4a08affbbae3c7ee4b98e325274c6") ; racket/racket tag v8.7
;; racket/racket (then plt/racket) just before Typed Racket moved to its own repository (2014-12-03).
(define RKT-2014 "f3dba3eb6bf44685cb2290d48204e81a84fc09a6")

(define TR-LICENSE "(Apache-2.0 OR MIT)")

;; name source checksum commit-time description authors deps rt-deps implies collection license
;; module-count modules
(struct pkg (name source checksum time desc authors deps rt-deps implies collection license
                  module-count modules)
  #:transparent)

(define tr-src "git://github.com/racket/typed-racket/?path=")

(define packages
  (list
   ;; --- the racket/typed-racket repository, in the three URL forms the catalog has ---------
   (pkg "typed-racket" (string-append tr-src "typed-racket") TR 1668200462
        "The implementation of the Typed Racket language" '(samth stamourv)
        '("typed-racket-lib" "typed-racket-doc") '("typed-racket-lib" "typed-racket-doc")
        '("typed-racket-lib" "typed-racket-doc") '(multi) TR-LICENSE 0 '())
   (pkg "typed-racket-lib" (string-append tr-src "typed-racket-lib") TR 1668200462
        "implementation (no documentation) part of \"typed-racket\"" '(samth stamourv)
        '(("base" #:version "8.5.0.3") "source-syntax" "pconvert-lib" "compatibility-lib"
          "string-constants-lib")
        '(("base" #:version "8.5.0.3") "source-syntax" "pconvert-lib" "compatibility-lib"
          "string-constants-lib")
        '() '(multi) TR-LICENSE 279
        '((lib "typed-racket/base-env/ann-inst.rkt")
          (lib "typed-racket/base-env/annotate-classes.rkt")
          (lib "typed-racket/base-env/base-contracted.rkt")
          (lib "typed-racket/base-env/base-env-indexing-abs.rkt")
          (lib "typed-racket/base-env/base-env-indexing.rkt")
          (lib "typed-racket/base-env/base-env-numeric.rkt")))
   (pkg "typed-racket-more" (string-append tr-src "typed-racket-more") TR 1668200462
        "Types for various libraries" '(samth stamourv)
        '("srfi-lite-lib" "base" "net-lib" "net-cookies-lib" ("web-server-lib" #:version "1.6")
          ("db-lib" #:version "1.5") "draw-lib" "rackunit-lib" "rackunit-gui" "rackunit-typed"
          "snip-lib" ("typed-racket-lib" #:version "1.14") ("gui-lib" #:version "1.49") "pict-lib"
          "images-lib" "racket-index" "sandbox-lib" "pconvert-lib")
        '("srfi-lite-lib" "base" "net-lib" "net-cookies-lib" ("web-server-lib" #:version "1.6")
          ("db-lib" #:version "1.5") "draw-lib" "rackunit-lib" "rackunit-gui" "rackunit-typed"
          "snip-lib" ("typed-racket-lib" #:version "1.14") ("gui-lib" #:version "1.49") "pict-lib"
          "images-lib" "racket-index" "sandbox-lib" "pconvert-lib")
        '("rackunit-typed") '(multi) TR-LICENSE 75
        '((lib "typed/db.rkt") (lib "typed/db/base.rkt") (lib "typed/db/sqlite3.rkt")
          (lib "typed/file/convertible.rkt") (lib "typed/file/gif.rkt") (lib "typed/file/glob.rkt")))
   (pkg "typed-racket-compatibility" (string-append tr-src "typed-racket-compatibility") TR 1668200462
        "compatibility library for older Typed Racket-based languages" '(samth stamourv)
        '("scheme-lib" "typed-racket-lib" ("base" #:version "8.5.0.3"))
        '("scheme-lib" "typed-racket-lib" ("base" #:version "8.5.0.3"))
        '() '(multi) TR-LICENSE 13
        '((lib "typed-scheme/lang/reader.rkt") (lib "typed-scheme/main.rkt")
          (lib "typed-scheme/no-check.rkt") (lib "typed-scheme/no-check/lang/reader.rkt")
          (lib "typed/scheme.rkt") (lib "typed/scheme/base.rkt")))
   (pkg "typed-racket-doc" "github://github.com/racket/typed-racket/master/typed-racket-doc" TR 1668200462
        "documentation part of \"typed-racket\"" '(samth stamourv)
        '(("base" #:version "8.5.0.3") "net-doc" "net-cookies-doc" "scheme-lib" "srfi-lite-lib"
          "r6rs-doc" "srfi-doc" "r6rs-lib" "sandbox-lib" "at-exp-lib" ("scribble-lib" #:version "1.16")
          "pict-lib" ("typed-racket-lib" #:version "1.11") "typed-racket-compatibility"
          ("typed-racket-more" #:version "1.10") "racket-doc" "draw-lib" "web-server-doc" "scheme-doc")
        '(("base" #:version "8.5.0.3"))
        '() '(multi) TR-LICENSE 29
        '((lib "source-syntax/scribblings/source-syntax.scrbl")
          (lib "typed-racket/scribblings/guide/begin.scrbl")
          (lib "typed-racket/scribblings/guide/caveats.scrbl")
          (lib "typed-racket/scribblings/guide/more.scrbl")
          (lib "typed-racket/scribblings/guide/occurrence.scrbl")
          (lib "typed-racket/scribblings/guide/optimization.scrbl")))
   (pkg "typed-racket-test" (string-append tr-src "typed-racket-test") TR 1668200462
        "tests for \"typed-racket\"" '(samth stamourv endobson asumu "andmkent@iu.edu" "moonsolo+drdr@gmail.com")
        '("redex-lib" "sandbox-lib" ("base" #:version "6.2.900.16") ("typed-racket-lib" #:version "1.10")
          "typed-racket-more" "2d" "typed-racket-compatibility" "racket-index" "rackunit-lib"
          "compatibility-lib" "racket-test-core" "scheme-lib" "base" "racket-benchmarks" "compiler-lib"
          "htdp-lib")
        '("redex-lib" "sandbox-lib" ("base" #:version "6.2.900.16") ("typed-racket-lib" #:version "1.10")
          "typed-racket-more" "2d" "typed-racket-compatibility" "racket-index" "rackunit-lib"
          "compatibility-lib" "racket-test-core")
        '() 'use-pkg-name TR-LICENSE 1476
        '((lib "typed-racket-test/external/fail/define-new-subtype.rkt")
          (lib "typed-racket-test/external/fail/dummy.rkt")
          (lib "typed-racket-test/external/historical-counterexamples.rkt")
          (lib "typed-racket-test/external/math-typecheck-tests.rkt")
          (lib "typed-racket-test/external/random-real.rkt")
          (lib "typed-racket-test/external/succeed/check-within.rkt")))
   (pkg "source-syntax" "https://github.com/racket/typed-racket.git?path=source-syntax" TR 1668200462
        "find mappings from expanded to source syntax" '(samth stamourv eli)
        '("base") '("base") '() "syntax" TR-LICENSE 1 '((lib "syntax/source-syntax.rkt")))

   ;; --- other repositories whose packages depend on Typed Racket ------------------------------
   (pkg "math-lib" "git://github.com/racket/math/?path=math-lib" "f221527a39525b896ec39a6a924da753dd346369"
        1667863624 "Math library" '(ntoronto)
        '(("base" #:version "6.11.0.6") "r6rs-lib" ("typed-racket-lib" #:version "1.14")
          ("math-i386-macosx" #:platform "i386-macosx") ("math-x86_64-macosx" #:platform "x86_64-macosx")
          ("math-ppc-macosx" #:platform "ppc-macosx") ("math-aarch64-macosx" #:platform "aarch64-macosx")
          ("math-win32-i386" #:platform "win32\\i386") ("math-win32-x86_64" #:platform "win32\\x86_64")
          ("math-win32-arm64" #:platform "win32\\arm64")
          ("math-x86_64-linux-natipkg" #:platform "x86_64-linux-natipkg"))
        '(("base" #:version "6.11.0.6") "r6rs-lib" ("typed-racket-lib" #:version "1.14")
          ("math-i386-macosx" #:platform "i386-macosx") ("math-x86_64-macosx" #:platform "x86_64-macosx")
          ("math-ppc-macosx" #:platform "ppc-macosx") ("math-aarch64-macosx" #:platform "aarch64-macosx")
          ("math-win32-i386" #:platform "win32\\i386") ("math-win32-x86_64" #:platform "win32\\x86_64")
          ("math-win32-arm64" #:platform "win32\\arm64")
          ("math-x86_64-linux-natipkg" #:platform "x86_64-linux-natipkg"))
        '() '(multi) TR-LICENSE 197
        '((lib "math/array.rkt") (lib "math/base.rkt") (lib "math/bigfloat.rkt")
          (lib "math/distributions.rkt") (lib "math/flonum.rkt") (lib "math/main.rkt")))
   (pkg "math" "git://github.com/racket/math/?path=math" "f221527a39525b896ec39a6a924da753dd346369"
        1667863624
        "Functions and data structures useful for working with numbers and collections of numbers, along with docs and tests"
        '(ntoronto) '("math-lib" "math-doc") '("math-lib" "math-doc") '("math-lib" "math-doc")
        '(multi) TR-LICENSE 0 '())
   (pkg "plot-lib" "git://github.com/racket/plot/?path=plot-lib" "f589ef63b3b0272b452dc16b9164ddc2f05a6a18"
        1664888154 "Plot non-GUI interface" '(ntoronto)
        '("base" "draw-lib" "pict-lib" "db-lib" "srfi-lite-lib" "typed-racket-lib" "typed-racket-more"
          "compatibility-lib" "math-lib")
        '("base" "draw-lib" "pict-lib" "db-lib" "srfi-lite-lib" "typed-racket-lib" "typed-racket-more"
          "compatibility-lib" "math-lib")
        '() '(multi) TR-LICENSE 87
        '((lib "plot/bitmap.rkt") (lib "plot/no-gui.rkt") (lib "plot/pict.rkt")
          (lib "plot/private/common/axis-transform.rkt") (lib "plot/private/common/color-map.rkt")
          (lib "plot/private/common/contract.rkt")))
   (pkg "images-lib" "git://github.com/racket/images/?path=images-lib" "b3d032087d9544a0561b61fedc09adc2c63ed29d"
        1633784726 "Functions for constructing icons and logos" '(ntoronto)
        '("base" "draw-lib" "typed-racket-lib" "scribble-lib")
        '("base" "draw-lib" "typed-racket-lib" "scribble-lib")
        '() '(multi) TR-LICENSE 32
        '((lib "images/compile-time.rkt") (lib "images/flomap.rkt") (lib "images/icons/arrow.rkt")
          (lib "images/icons/control.rkt") (lib "images/icons/file.rkt") (lib "images/icons/misc.rkt")))
   (pkg "pict3d" "git://github.com/jeapostrophe/pict3d" "b73e77c66461081934eaeeb17f079841a0118387"
        1506097600 "Pict3D: Functional 3D Scenes" '(ntoronto)
        '(("base" #:version "6.3") "draw-lib" "srfi-lite-lib" "typed-racket-lib" "typed-racket-more"
          "math-lib" "scribble-lib" "gui-lib" "pconvert-lib" "pict-lib" "profile-lib" "pfds"
          "unstable-lib" "draw-doc" "gui-doc" "gui-lib" "racket-doc" "plot-doc" "plot-lib"
          "plot-gui-lib" "images-doc" "images-lib" "htdp-doc" "htdp-lib" "pict-doc" "typed-racket-doc")
        '(("base" #:version "6.3") "draw-lib" "srfi-lite-lib" "typed-racket-lib" "typed-racket-more"
          "math-lib" "scribble-lib" "gui-lib" "pconvert-lib" "pict-lib" "profile-lib" "pfds"
          "unstable-lib")
        '() '(multi) #f 155
        '((lib "pict3d/engine.rkt") (lib "pict3d/main.rkt") (lib "pict3d/private/engine.rkt")
          (lib "pict3d/private/engine/draw.rkt") (lib "pict3d/private/engine/draw/draw-pass.rkt")
          (lib "pict3d/private/engine/draw/draw-passes.rkt")))
   ;; A look-alike: named typed-racket-..., tagged typed-racket, but not from racket/typed-racket.
   (pkg "typed-racket-datatype"
        "git://github.com/AlexKnauth/typed-racket-datatype?path=typed-racket-datatype"
        "70af100b2035ee9383c63c0d969194659af233f2" 1630518166
        "Algebraic Datatypes for Typed Racket" '(AlexKnauth)
        '("base" "typed-racket-lib" "typed-racket-datatype-lib" "scribble-lib" "racket-doc"
          "typed-racket-doc" "rackunit-lib" "rackunit-typed")
        '("base" "typed-racket-lib" "typed-racket-datatype-lib")
        '("typed-racket-datatype-lib") "typed-racket-datatype" "MIT" 4
        '((lib "typed-racket-datatype/scribblings/typed-racket-datatype.scrbl")
          (lib "typed-racket-datatype/test/datatype-test.rkt")
          (lib "typed-racket-datatype/test/match-test.rkt")
          (lib "typed-racket-datatype/test/occurrence-typing-test.rkt")))

   ;; --- unrelated to Typed Racket -------------------------------------------------------------
   (pkg "2d-lib" "git://github.com/racket/2d/?path=2d-lib" "4b70b2dc77a9e8d2497a2c7373cacd659a3de23c"
        1643686522 "Implementation (no documentation) part of \"2d\"" '(robby)
        '(("base" #:version "6.90.0.19") "scribble-lib" "syntax-color-lib")
        '(("base" #:version "6.90.0.19") "scribble-lib" "syntax-color-lib")
        '() "2d" TR-LICENSE 10
        '((lib "2d/cond.rkt") (lib "2d/dir-chars.rkt") (lib "2d/lang/reader.rkt") (lib "2d/lexer.rkt")
          (lib "2d/match.rkt") (lib "2d/private/lexer.rkt")))
   (pkg "at-exp-lib" "git://github.com/racket/racket/?path=pkgs/at-exp-lib" RKT 1668426146
        "Libraries for @-expressions" '(eli mflatt)
        '("base") '("base") '() '(multi) TR-LICENSE 5
        '((lib "at-exp/lang/language-info.rkt") (lib "at-exp/lang/reader.rkt")
          (lib "at-exp/lang/runtime-config.rkt") (lib "scribble/base/reader.rkt")
          (lib "scribble/reader.rkt")))
   (pkg "base" "git://github.com/racket/racket/?path=pkgs/base" RKT 1668426146
        "Racket libraries that are currently always available" '(mflatt)
        '("racket-lib" ("racket" #:version "8.7.0.6")) '("racket-lib" ("racket" #:version "8.7.0.6"))
        '(core) '(multi) TR-LICENSE 0 '())))

;; ---------------------------------------------------------------------------------------------
;; Reconstructed: everything below is made up to have the public catalog's shape.

;; Exact-version entries ("8.7", a string key): the release tag's commit.
(define version-8.7
  (hash "typed-racket-lib" TR-8.7
        "typed-racket-more" TR-8.7
        "base" RKT-8.7))

;; A "default" *string* key, which Racket ignores (only the symbol default counts): what a JSON
;; round trip of the catalog produces. Here it points at where the package lived before 2014-12-04.
(define string-default
  (hash "typed-racket-compatibility"
        (cons "git://github.com/plt/racket/?path=pkgs/typed-racket-pkgs/typed-racket-compatibility"
              RKT-2014)))

(define main-tests '("typed-racket-test"))
(define (tags-of name)
  (cond [(member name main-tests) '("main-tests")]
        [(equal? name "pict3d") '("3d" "graphics" "typed-racket")]
        [(equal? name "typed-racket-datatype") '("typed-racket" "datatype")]
        [else '("main-distribution")]))
(define (ring-of name)
  (case name [("pict3d") 1] [("typed-racket-datatype") 2] [else 0]))
(define (date-added-of name)
  (case name [("pict3d") 1411743600] [("typed-racket-datatype") 1630519200] [else 1386002400]))
(define (last-edit-of name)
  (case name [("pict3d") 1456779600] [("typed-racket-datatype") 1630519200] [else 1417719600]))
(define last-checked 1668470400) ; 2022-11-15T00:00:00Z, the moment this "copy" is of
(define (last-updated-of p) (* 3600 (ceiling (/ (pkg-time p) 3600)))) ; next hourly check

(define docs
  (hash "typed-racket-doc" '(("main" "ts-guide" "doc/ts-guide/index.html")
                             ("main" "ts-reference" "doc/ts-reference/index.html")
                             ("main" "source-syntax" "doc/source-syntax/index.html"))
        "pict3d" '(("main" "pict3d" "doc/pict3d/index.html"))
        "typed-racket-datatype" '(("main" "typed-racket-datatype" "doc/typed-racket-datatype/index.html"))))

(define (build-of name)
  (define test-fail? (member name '("typed-racket-test" "pict3d")))
  (hash 'success-log (format "server/built/install/~a.txt" name)
        'failure-log #f
        'dep-failure-log #f
        'min-failure-log #f
        'conflicts-log #f
        'test-success-log (and (not test-fail?) (format "server/built/test-success/~a.txt" name))
        'test-failure-log (and test-fail? (format "server/built/test-fail/~a.txt" name))
        'docs (hash-ref docs name '())))

;; pkg-index official/static.rkt, package-url->useful-url: the human-facing URL of a source.
(define (useful-url pkg-url-str)
  (with-handlers ([exn:fail? (λ (x) pkg-url-str)])
    (define pkg-url (string->url pkg-url-str))
    (match (url-scheme pkg-url)
      ["github"
       (match (url-path pkg-url)
         [(list* user repo branch path)
          (url->string
           (struct-copy url pkg-url
                        [scheme "http"]
                        [path (list* user repo (path/param "tree" '()) branch path)]))]
         [_ pkg-url-str])]
      ["git"
       (match (url-path pkg-url)
         [(list user repo)
          (url->string
           (struct-copy url pkg-url
                        [scheme "http"]
                        [path (list user repo (path/param "tree" '()) (path/param "master" '()))]))]
         [_ pkg-url-str])]
      [_ pkg-url-str])))

(define (version-entry make source checksum)
  (make 'source source 'checksum checksum 'source_url (useful-url source)))

(define (entry p)
  (define name (pkg-name p))
  (define authors (map (λ (a) (format "~a" a)) (pkg-authors p)))
  (define tags (tags-of name))
  (define build (build-of name))
  (define versions
    (let* ([v (hash 'default (version-entry hasheq (pkg-source p) (pkg-checksum p)))]
           [v (if (hash-ref version-8.7 name #f)
                  (hash-set v "8.7" (version-entry hash
                                                   (string-append (pkg-source p) "#v8.7")
                                                   (hash-ref version-8.7 name)))
                  v)]
           [v (match (hash-ref string-default name #f)
                [(cons src cs) (hash-set v "default" (version-entry hash src cs))]
                [#f v])])
      v))
  (define search-terms
    (let* ([st (for/fold ([st #hasheq()]) ([t tags]) (hash-set st (string->symbol t) #t))]
           [st (hash-set st (string->symbol (format "ring:~a" (ring-of name))) #t)]
           [st (for/fold ([st st]) ([a authors])
                 (hash-set st (string->symbol (string-append "author:" a)) #t))]
           [st (if (hash-ref build 'success-log) (hash-set st ':build-success: #t) st)]
           [st (if (pair? (hash-ref build 'docs)) (hash-set st ':docs: #t) st)])
      st))
  (hash 'name name
        'source (pkg-source p)
        'checksum (pkg-checksum p)
        'source_url (useful-url (pkg-source p))
        'checksum-error #f
        'author (apply string-append (add-between authors " "))
        'authors authors
        'description (pkg-desc p)
        'tags tags
        'ring (ring-of name)
        'dependencies (pkg-deps p)
        'rt-dependencies (pkg-rt-deps p)
        'implies (pkg-implies p)
        'modules (pkg-modules p)
        'collection (pkg-collection p)
        'license (pkg-license p)
        'conflicts '()
        'versions versions
        'last-updated (last-updated-of p)
        'last-checked last-checked
        'last-edit (last-edit-of name)
        'date-added (date-added-of name)
        'build build
        'search-terms search-terms))

(define details
  (for/hash ([p packages])
    (values (pkg-name p) (entry p))))

;; Written as pkg-catalog-copy writes a directory catalog (collects/pkg/private/catalog-copy.rkt).
(define pkg-dir (build-path here "pkg"))
(when (directory-exists? pkg-dir) (delete-directory/files pkg-dir))
(make-directory* pkg-dir)
(for ([(k v) (in-hash details)])
  (call-with-output-file* (build-path pkg-dir k) #:exists 'truncate/replace
    (λ (o) (write v o))))
(call-with-output-file* (build-path here "pkgs") #:exists 'truncate/replace
  (λ (o) (write (hash-keys details) o)))
(call-with-output-file* (build-path here "pkgs-all") #:exists 'truncate/replace
  (λ (o) (write details o)))

;; The names the typed-racket override must catch: sources in racket/typed-racket, by whatever
;; URL form. Checked here against the sources above, so the list cannot drift from the data.
(define (in-typed-racket-repo? src)
  (regexp-match? #rx"^(git|https?|git[+]https?)://github[.]com/racket/typed-racket([.]git)?/?([?#]|$)|^github://github[.]com/racket/typed-racket/"
                 src))
(define expected
  (sort (for/list ([p packages] #:when (in-typed-racket-repo? (pkg-source p))) (pkg-name p)) string<?))
(call-with-output-file* (build-path here "expected-typed-racket-packages.txt") #:exists 'truncate/replace
  (λ (o) (for ([n expected]) (write-string n o) (newline o))))
(printf "wrote ~a packages; ~a from racket/typed-racket: ~a\n" (length packages) (length expected) expected)
