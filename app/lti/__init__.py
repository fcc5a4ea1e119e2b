"""LTI 1.3: KS Læring/Moodle, itslearning or Canvas launch Laget, and Laget sends scores back.

``login`` answers the platform's third-party login initiation, ``launch`` checks the id_token the
platform posts back and logs the person in, ``deep_linking`` returns the course or scenario a teacher
picked, ``grades`` sends scores through an outbox, and ``keys`` holds our signing keys and JWKS.
"""
