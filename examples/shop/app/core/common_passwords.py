"""Passwords and words that lead every breach list, for NIST SP 800-63B's "known" check.

Compact on purpose: the words people build long passwords from. A password is refused when it
is one of them once digits and symbols around it are taken off (``Password2024!``), so a few
hundred words stand for many thousands of breached passwords. Add your own (the service's
name, your company's) to CONTEXT_WORDS.
"""

from __future__ import annotations

_WORDS = """
    password passw0rd p@ssword p@ssw0rd pass password1 mypassword newpassword yourpassword
    secret supersecret topsecret letmein letmeinnow welcome welcome1 changeme changemenow
    default admin administrator administrador root toor guest user login master superuser
    qwerty qwertyuiop qwertyuiopasdfghjkl qwertzuiop azerty azertyuiop asdfgh asdfghjkl
    zxcvbn zxcvbnm qazwsx qazwsxedc qazwsxedcrfv 1qaz2wsx 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y
    zaq12wsx zaq1zaq1 abc abcd abcdef abcdefg abcdefgh abcdefghijkl iloveyou iloveu
    ilovegod ilovemymom loveyou lovely loveme sunshine princess princesa football soccer
    baseball basketball hockey monkey dragon shadow master mustang michael jordan superman
    batman spiderman starwars pokemon minecraft fortnite matrix trustno1 whatever
    nothing something computer internet freedom forever blessed jesus christ godisgood
    hello hellothere helloworld charlie summer winter spring autumn flower butterfly
    chocolate cookie cheese pepper ginger purple orange banana apple samsung iphone
    google facebook twitter instagram linkedin microsoft windows linux ubuntu oracle
    database mysql postgres postgresql redis docker kubernetes server backend
    example test testing tester testtest qwerty123 password123 admin123 welcome123
    letmein123 iloveyou123 abc123 abcabc aaaaaa 123abc killer hunter hunter2 ranger
    thomas jennifer jessica ashley daniel andrew joshua matthew robert william anthony
    elizabeth nicole amanda melissa michelle tigger buster harley jordan23 maggie
    pussy fuckyou fuckoff bitch asshole sexy hottie badboy cowboy angel angels
    secure security access accessdenied private privacy personal account myaccount
    company business office manager marketing finance payroll service services
"""
COMMON_WORDS = frozenset(_WORDS.split())

# Words of this deployment: people reach for the service's own name first.
CONTEXT_WORDS: frozenset[str] = frozenset()
