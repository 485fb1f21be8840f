"""The job engine: journal, states, runner, money. Talks to the API through its ports, never to
ltxstudio.api directly; no Qt."""
