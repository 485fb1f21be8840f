"""The Qt views: widgets and item-model adapters over the Qt-free session. Only here (and in
`ltxstudio.app`) may PySide6 and qasync be imported."""
