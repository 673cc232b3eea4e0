"""Live checks of a sender's DNS setup (SPF, DKIM keys, DMARC, MX, PTR): only on request.

Nothing here runs unless the `domain` command or `--online` asks; checks never import it
(they read the DnsProblem records it gathers, from the run's Context).
"""
